package dev.gatehouse.factor;

import dev.gatehouse.testsupport.PostgresTest;

@PostgresTest
class CodeRaceOnPostgresTest extends CodeRaceTest {
}

package dev.gatehouse.factor;

import dev.gatehouse.testsupport.PostgresTest;

@PostgresTest
class CodeChallengesOnPostgresTest extends CodeChallengesTest {
}

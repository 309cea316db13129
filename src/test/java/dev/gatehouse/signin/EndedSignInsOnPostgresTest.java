package dev.gatehouse.signin;

import dev.gatehouse.testsupport.PostgresTest;

@PostgresTest
class EndedSignInsOnPostgresTest extends EndedSignInsTests {
}

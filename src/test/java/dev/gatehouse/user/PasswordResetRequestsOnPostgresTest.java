package dev.gatehouse.user;

import dev.gatehouse.testsupport.PostgresTest;

@PostgresTest
class PasswordResetRequestsOnPostgresTest extends PasswordResetRequestsTests {
}

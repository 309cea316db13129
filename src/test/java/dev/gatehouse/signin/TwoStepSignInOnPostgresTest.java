package dev.gatehouse.signin;

import dev.gatehouse.testsupport.PostgresTest;

@PostgresTest
class TwoStepSignInOnPostgresTest extends TwoStepSignInTest {
}

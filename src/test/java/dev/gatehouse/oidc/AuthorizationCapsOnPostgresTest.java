package dev.gatehouse.oidc;

import dev.gatehouse.testsupport.PostgresTest;

@PostgresTest
class AuthorizationCapsOnPostgresTest extends AuthorizationCapsTests {
}

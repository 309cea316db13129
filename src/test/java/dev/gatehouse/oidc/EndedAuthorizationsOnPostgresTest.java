package dev.gatehouse.oidc;

import dev.gatehouse.testsupport.PostgresTest;

@PostgresTest
class EndedAuthorizationsOnPostgresTest extends EndedAuthorizationsTests {
}

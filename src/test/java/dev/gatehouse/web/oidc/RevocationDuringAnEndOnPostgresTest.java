package dev.gatehouse.web.oidc;

import dev.gatehouse.testsupport.PostgresTest;

@PostgresTest
class RevocationDuringAnEndOnPostgresTest extends RevocationDuringAnEndTests {
}

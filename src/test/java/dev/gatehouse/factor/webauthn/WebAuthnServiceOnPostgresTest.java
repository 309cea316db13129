package dev.gatehouse.factor.webauthn;

import dev.gatehouse.testsupport.PostgresTest;

@PostgresTest
class WebAuthnServiceOnPostgresTest extends WebAuthnServiceTests {
}

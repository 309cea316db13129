package dev.gatehouse.factor.webauthn;

import dev.gatehouse.testsupport.H2Test;

@H2Test
class WebAuthnServiceOnH2Test extends WebAuthnServiceTests {
}

package dev.gatehouse.oidc;

import dev.gatehouse.testsupport.H2Test;

@H2Test
class AuthorizationCapsOnH2Test extends AuthorizationCapsTests {
}

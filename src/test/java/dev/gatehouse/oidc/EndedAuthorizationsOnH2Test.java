package dev.gatehouse.oidc;

import dev.gatehouse.testsupport.H2Test;

@H2Test
class EndedAuthorizationsOnH2Test extends EndedAuthorizationsTests {
}

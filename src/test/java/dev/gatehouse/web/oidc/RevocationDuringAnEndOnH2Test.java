package dev.gatehouse.web.oidc;

import dev.gatehouse.testsupport.H2Test;

@H2Test
class RevocationDuringAnEndOnH2Test extends RevocationDuringAnEndTests {
}

package dev.gatehouse.oidc;

import dev.gatehouse.testsupport.H2Test;

@H2Test
class AtMostUnexchangedOnH2Test extends AtMostUnexchangedTests {
}

package dev.gatehouse.web;

import dev.gatehouse.testsupport.H2Test;

@H2Test
class WebAuthnFlowOnH2Test extends WebAuthnFlowTests {
}

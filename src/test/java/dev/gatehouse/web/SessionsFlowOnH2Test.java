package dev.gatehouse.web;

import dev.gatehouse.testsupport.H2Test;

@H2Test
class SessionsFlowOnH2Test extends SessionsFlowTests {
}

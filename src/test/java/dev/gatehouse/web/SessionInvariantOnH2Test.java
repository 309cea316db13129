package dev.gatehouse.web;

import dev.gatehouse.testsupport.H2Test;

@H2Test
class SessionInvariantOnH2Test extends SessionInvariantTests {
}

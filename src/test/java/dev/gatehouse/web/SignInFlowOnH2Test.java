package dev.gatehouse.web;

import dev.gatehouse.testsupport.H2Test;

@H2Test
class SignInFlowOnH2Test extends SignInFlowTests {
}

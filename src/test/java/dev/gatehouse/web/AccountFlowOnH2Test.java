package dev.gatehouse.web;

import dev.gatehouse.testsupport.H2Test;

@H2Test
class AccountFlowOnH2Test extends AccountFlowTests {
}

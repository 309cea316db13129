package dev.gatehouse.web;

import dev.gatehouse.testsupport.H2Test;

@H2Test
class HashingBusyOnH2Test extends HashingBusyTests {
}

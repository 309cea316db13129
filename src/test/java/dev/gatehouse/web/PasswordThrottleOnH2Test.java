package dev.gatehouse.web;

import dev.gatehouse.testsupport.H2Test;

@H2Test
class PasswordThrottleOnH2Test extends PasswordThrottleTests {
}

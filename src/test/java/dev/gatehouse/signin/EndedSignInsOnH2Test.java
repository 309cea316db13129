package dev.gatehouse.signin;

import dev.gatehouse.testsupport.H2Test;

@H2Test
class EndedSignInsOnH2Test extends EndedSignInsTests {
}

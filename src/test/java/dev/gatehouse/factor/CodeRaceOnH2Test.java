package dev.gatehouse.factor;

import dev.gatehouse.testsupport.H2Test;

@H2Test
class CodeRaceOnH2Test extends CodeRaceTest {
}

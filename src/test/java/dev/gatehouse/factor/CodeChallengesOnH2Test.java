package dev.gatehouse.factor;

import dev.gatehouse.testsupport.H2Test;

@H2Test
class CodeChallengesOnH2Test extends CodeChallengesTest {
}

package dev.gatehouse.account;

import dev.gatehouse.testsupport.H2Test;

@H2Test
class MembersOnH2Test extends MembersTests {
}

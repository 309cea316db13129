package dev.gatehouse.user;

import dev.gatehouse.testsupport.H2Test;

@H2Test
class PasswordResetRequestsOnH2Test extends PasswordResetRequestsTests {
}

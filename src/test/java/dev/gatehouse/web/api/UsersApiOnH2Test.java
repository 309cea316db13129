package dev.gatehouse.web.api;

import dev.gatehouse.testsupport.H2Test;

@H2Test
class UsersApiOnH2Test extends UsersApiTests {
}

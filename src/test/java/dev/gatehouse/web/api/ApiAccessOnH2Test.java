package dev.gatehouse.web.api;

import dev.gatehouse.testsupport.H2Test;

@H2Test
class ApiAccessOnH2Test extends ApiAccessTests {
}

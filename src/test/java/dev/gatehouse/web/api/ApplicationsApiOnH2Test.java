package dev.gatehouse.web.api;

import dev.gatehouse.testsupport.H2Test;

@H2Test
class ApplicationsApiOnH2Test extends ApplicationsApiTests {
}

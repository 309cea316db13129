package dev.gatehouse.web.api;

import dev.gatehouse.testsupport.H2Test;

@H2Test
class AccountRulesApiOnH2Test extends AccountRulesApiTests {
}

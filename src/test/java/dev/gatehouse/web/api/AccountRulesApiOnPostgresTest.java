package dev.gatehouse.web.api;

import dev.gatehouse.testsupport.PostgresTest;

@PostgresTest
class AccountRulesApiOnPostgresTest extends AccountRulesApiTests {
}

package dev.gatehouse.web.api;

import dev.gatehouse.testsupport.PostgresTest;

@PostgresTest
class ApplicationsApiOnPostgresTest extends ApplicationsApiTests {
}

package dev.gatehouse.web;

import dev.gatehouse.testsupport.PostgresTest;

@PostgresTest
class ConnectionRetirementOnPostgresTest extends ConnectionRetirementTests {
}

package dev.gatehouse.audit;

import dev.gatehouse.testsupport.PostgresTest;

@PostgresTest
class ActivityLogOnPostgresTest extends ActivityLogTests {
}

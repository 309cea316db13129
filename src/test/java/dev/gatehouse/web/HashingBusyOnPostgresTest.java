package dev.gatehouse.web;

import dev.gatehouse.testsupport.PostgresTest;

@PostgresTest
class HashingBusyOnPostgresTest extends HashingBusyTests {
}

package dev.gatehouse.account;

import dev.gatehouse.testsupport.PostgresTest;

@PostgresTest
class MembersOnPostgresTest extends MembersTests {
}

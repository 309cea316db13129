package dev.gatehouse.signin;

import dev.gatehouse.testsupport.PostgresTest;

@PostgresTest
class TrustedDevicesOnPostgresTest extends TrustedDevicesTest {
}

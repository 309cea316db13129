package dev.gatehouse.factor;

import dev.gatehouse.testsupport.PostgresTest;

@PostgresTest
class BackupCodeServiceOnPostgresTest extends BackupCodeServiceTest {
}

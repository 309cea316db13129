package dev.gatehouse.factor;

import dev.gatehouse.testsupport.H2Test;

@H2Test
class BackupCodeServiceOnH2Test extends BackupCodeServiceTest {
}

package dev.gatehouse.web;

import dev.gatehouse.testsupport.H2Test;

@H2Test
class BackupCodesFlowOnH2Test extends BackupCodesFlowTests {
}

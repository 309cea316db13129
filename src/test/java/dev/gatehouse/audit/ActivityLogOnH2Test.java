package dev.gatehouse.audit;

import dev.gatehouse.testsupport.H2Test;

@H2Test
class ActivityLogOnH2Test extends ActivityLogTests {
}

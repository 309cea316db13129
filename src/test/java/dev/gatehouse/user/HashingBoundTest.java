package dev.gatehouse.user;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * The benchmarks' measure of one password check: its CPU time is the hash's, wherever the hasher runs it (CPU time,
 * unlike a rate, hardly depends on what else the machine is doing).
 */
class HashingBoundTest {

    private static final int MEMORY_KIB = 4096;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    // From a review (review3): failed once hashes ran on HashingThreads (the checking threads' own CPU time was the
    // hand-over's, well under a tenth of a check).
    @Test
    void cpuTimePerCheckWhenMeasuredThenThatOfAHashNotOfItsHandOver() throws Exception {
        double direct = cpuMillisPerCheckOnThisThread();

        HashingBound bound = HashingBound.measure(MEMORY_KIB, 1, 1, Duration.ofMillis(300), Duration.ofMillis(700));

        assertThat(bound.cpuMillisPerCheck()).as("CPU ms per check; %.2f ms on this thread", direct)
                .isBetween(direct / 2, direct * 2);
    }

    /** The same check at the same cost run here, after as many to warm the JIT up. */
    private static double cpuMillisPerCheckOnThisThread() {
        PooledArgon2 argon2 = new PooledArgon2(new PasswordProperties.Argon2(MEMORY_KIB, 1, 1), 1);
        String hash = argon2.encode("correct horse battery staple");
        int checks = 40;
        for (int i = 0; i < checks; i++) {
            argon2.matches("correct horse battery staple", hash);
        }
        long start = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < checks; i++) {
            argon2.matches("correct horse battery staple", hash);
        }
        return (THREADS.getCurrentThreadCpuTime() - start) / 1e6 / checks;
    }
}

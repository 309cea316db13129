package dev.gatehouse.user;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The most password sign-ins a machine can do: password checks per second with every core checking, through the
 * nodes' own {@link PasswordHasher} (its gate, its pooled Argon2) at a given cost; and the CPU time one check takes,
 * which, unlike the rate, does not depend on what else the machine is doing. For benchmarks, which compare what
 * sign-in over HTTP achieves with it.
 *
 * @param checksPerSecond  checks per second of all threads together
 * @param cpuMillisPerCheck the hashing threads' CPU time per check
 */
public record HashingBound(double checksPerSecond, double cpuMillisPerCheck) {

    private static final String PASSWORD = "correct horse battery staple";
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /**
     * {@code threads} threads checking a right password for {@code duration}, after each checked for {@code warmUp}
     * (the JIT compiles Argon2's inner loop first).
     */
    public static HashingBound measure(int memoryKib, int iterations, int threads, Duration warmUp, Duration duration)
            throws Exception {
        PasswordProperties properties = new PasswordProperties(8, 128, new PasswordProperties.Argon2(memoryKib,
                iterations, 1), new PasswordProperties.Throttle(10, Duration.ofMinutes(1), Duration.ofMinutes(15),
                new PasswordProperties.Throttle.Network(Duration.ofMinutes(10), 30, 300)),
                new PasswordProperties.Hashing(threads, threads, Duration.ofMinutes(1)));
        try (PasswordHasher hasher = new PasswordHasher(properties, new SimpleMeterRegistry())) {
            String hash = hasher.hash(PASSWORD);
            run(hasher, hash, threads, warmUp);
            long cpuStart = hashingCpuNanos();
            long start = System.nanoTime();
            long checks = run(hasher, hash, threads, duration);
            return new HashingBound(checks / ((System.nanoTime() - start) / 1e9),
                    (hashingCpuNanos() - cpuStart) / 1e6 / checks);
        }
    }

    /**
     * The CPU time so far of all threads hashes run on ({@link HashingThreads}): the checking threads only hand the
     * hashes over and wait.
     */
    private static long hashingCpuNanos() {
        long total = 0;
        for (ThreadInfo thread : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (thread != null && thread.getThreadName().startsWith(HashingThreads.NAME)) {
                total += Math.max(0, THREADS.getThreadCpuTime(thread.getThreadId()));
            }
        }
        return total;
    }

    private static long run(PasswordHasher hasher, String hash, int threads, Duration duration) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long end = System.nanoTime() + duration.toNanos();
            AtomicLong checks = new AtomicLong();
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        if (!hasher.matches(PASSWORD, hash)) {
                            throw new AssertionError("the right password was refused");
                        }
                        checks.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            return checks.get();
        } finally {
            pool.shutdown();
        }
    }
}

package dev.gatehouse.bench;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.gatehouse.user.HashingBound;

/**
 * How password checks scale with the threads that run them: checks per second and CPU time per check through the
 * nodes' own {@code PasswordHasher} ({@link HashingBound}) with 1, 2, ... threads up to the cores, at Keycloak's
 * Argon2 cost (issue 16's m=7168 KiB, t=5) and at Gatehouse's default (m=19456 KiB, t=2). Argon2 reads and writes its
 * whole working memory at every pass, so on a machine whose cores share a cache or memory bus, two hashes at once
 * can each take longer than one alone: the second column says how much the cores add, and so what the hashing gate's
 * {@code gatehouse.password.hashing.concurrency} buys on this machine. Run with
 * {@code ./mvnw -B -Pbench test -Dtest=HashingScalingBenchmark} (about a minute on 2 cores).
 */
class HashingScalingBenchmark {

    private static final int[][] COSTS = {{7168, 5}, {19456, 2}};
    private static final Duration WARM_UP = Duration.ofSeconds(3);
    private static final Duration MEASURED = Duration.ofSeconds(8);

    @Test
    void checksPerThreadCount() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        StringBuilder report = new StringBuilder(String.format("%d cores, Java %s; %d s warm-up then %d s measured "
                        + "per row. Load average at the start: %s.%n%n| Argon2id cost | threads | checks/s | of %s "
                        + "threads x one thread's rate | CPU per check |%n|---|---|---|---|---|%n", cores,
                Runtime.version(), WARM_UP.toSeconds(), MEASURED.toSeconds(), BenchReport.loadAverage(), "n"));
        for (int[] cost : COSTS) {
            double single = 0;
            for (int threads = 1; threads <= cores; threads++) {
                HashingBound bound = HashingBound.measure(cost[0], cost[1], threads, WARM_UP, MEASURED);
                if (threads == 1) {
                    single = bound.checksPerSecond();
                }
                String row = String.format("| m=%d KiB, t=%d | %d | %.1f | %.0f %% | %.1f ms |%n", cost[0], cost[1],
                        threads, bound.checksPerSecond(), 100 * bound.checksPerSecond() / (threads * single),
                        bound.cpuMillisPerCheck());
                System.out.print("[hashing scaling] " + row);
                report.append(row);
            }
        }
        report.append(String.format("%nLoad average at the end: %s.%n", BenchReport.loadAverage()));
        BenchReport.section("Password checks by hashing threads", report.toString());
    }
}

package dev.gatehouse.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.gatehouse.bench.BrowserSignIn.Step;
import dev.gatehouse.reliability.Cluster;
import dev.gatehouse.reliability.Haproxy;
import dev.gatehouse.user.HashingBound;

/**
 * Issue 16's sign-in load: browsers signing in over HTTP (sign-in page, password form with its token, code page, code
 * form with an authenticator code), each sign-in by another person, at 1, 2, 4, 8, 16 and 32 at once; against one
 * node, then against two nodes behind HAProxy with the shipped configuration. The nodes are their own JVMs with the
 * shipped JVM flags (pom property {@code gatehouse.jvm.flags}) and PostgreSQL, as in the reliability suite, whose
 * harness this uses ({@link Cluster}, ports 18600-18699); Argon2 at m=7168 KiB, t=5, p=1 (Keycloak's parameters).
 *
 * <p>Each concurrency prints sign-ins per second, its ratio to the bound (password checks per second on every core
 * through the nodes' own {@code PasswordHasher}, measured in the same run before and after the sign-ins, nodes idle),
 * the median and 99th percentile of each request, every failure, and the load average. At 1 at once the ratio cannot
 * pass 1 / cores: one sign-in hashes on one core. The code request's own latency at 32 at once is issue 16's
 * "code step p99 ≤ 10 ms at 32 concurrent sign-ins". Needs HAProxy (Debian package haproxy). Run with
 * {@code ./mvnw -B -o -Pbench test -Dtest=SignInLoadBenchmark} (about 9 minutes); figures also in
 * target/bench/results.md, and in docs/benchmarks.md, "Sign-in under load, one node and two behind HAProxy (stop 25)".
 */
class SignInLoadBenchmark {

    static final int ARGON2_MEMORY_KIB = 7168;
    static final int ARGON2_ITERATIONS = 5;
    static final int[] CONCURRENCY = {1, 2, 4, 8, 16, 32};
    /**
     * Before the first concurrency, so that the nodes' JIT has compiled the request path and Argon2: 15 s still left
     * the compiler threads a quarter to a third of a node's CPU in the levels after it (JFR, loaded machine).
     */
    static final Duration NODE_WARM_UP = Duration.ofSeconds(30);
    static final Duration WARM_UP = Duration.ofSeconds(3);
    static final Duration MEASURED = Duration.ofSeconds(20);

    @Test
    void signInUnderLoad() throws Exception {
        Haproxy.executable();   // skipped on a machine without it, failed under CI (testsupport/Tools)
        List<String> nodeJvm = shippedJvmFlags();
        StringBuilder report = new StringBuilder();
        report.append(String.format("Argon2id m=%d KiB, t=%d, p=1; node JVM flags `%s`; %d cores; %s warm-up then %s "
                        + "measured per concurrency. Load average at the start: %s.%n%n", ARGON2_MEMORY_KIB,
                ARGON2_ITERATIONS, String.join(" ", nodeJvm), cores(), WARM_UP.toSeconds() + " s",
                MEASURED.toSeconds() + " s", BenchReport.loadAverage()));
        report.append(layout("one node, direct", 1, 18600, nodeJvm));
        report.append(layout("two nodes behind HAProxy", 2, 18650, nodeJvm));
        report.append(String.format("%nLoad average at the end: %s.%n", BenchReport.loadAverage()));
        BenchReport.section("Sign-in under load, one node and two behind HAProxy", report.toString());
    }

    private static String layout(String name, int nodes, int firstPort, List<String> nodeJvm) throws Exception {
        Cluster.Setup setup = new Cluster.Setup("sign-in-load-" + nodes, nodes, firstPort, ARGON2_MEMORY_KIB,
                ARGON2_ITERATIONS, nodeJvm);
        try (Cluster cluster = new Cluster(setup).start()) {
            HashingBound before = bound();
            int port = nodes == 1 ? cluster.node(0).port() : cluster.haproxy().port();
            SignInLoad load = new SignInLoad(port, cluster.people().withApp("load", peopleNeeded(before), false));
            SignInLoad.Result warmUp = load.run(2 * cores(), Duration.ZERO, NODE_WARM_UP);
            List<SignInLoad.Result> results = new ArrayList<>();
            List<CpuUse> cpu = new ArrayList<>();
            List<String> loads = new ArrayList<>();
            for (int concurrency : CONCURRENCY) {
                CpuUse start = CpuUse.now(cluster);
                SignInLoad.Result r = load.run(concurrency, WARM_UP, MEASURED);
                cpu.add(CpuUse.now(cluster).perSignInSince(start, Math.max(1, r.completed())));
                results.add(r);
                String loadAverage = BenchReport.loadAverage();
                loads.add(loadAverage);
                System.out.printf("[sign-in load] %s, %d at once: %.1f sign-ins/s, code p99 %.1f ms, failures %s, "
                        + "load %s%n", name, concurrency, r.perSecond(), r.p(Step.CODE, 99), r.failures(), loadAverage);
            }
            HashingBound after = bound();
            double bound = (before.checksPerSecond() + after.checksPerSecond()) / 2;
            double argonMs = (before.cpuMillisPerCheck() + after.cpuMillisPerCheck()) / 2;
            StringBuilder table = new StringBuilder(String.format("%n### %s%n%nBound: %.1f password checks/s before the "
                            + "sign-ins, %.1f after (%d threads, nodes idle, same run); the ratio is to their mean. One "
                            + "check: %.1f ms of CPU. Node warm-up: %d sign-ins at %d at once, failures %s.%n%n", name,
                    before.checksPerSecond(), after.checksPerSecond(), cores(), argonMs, warmUp.signIns(), 2 * cores(),
                    warmUp.failures().isEmpty() ? "none" : warmUp.failures()));
            table.append("| at once | sign-ins/s | of bound | sign-in page p50 / p99 | password p50 / p99 "
                    + "| code page p50 / p99 | code p50 / p99 | failures | load average |\n"
                    + "|---|---|---|---|---|---|---|---|---|\n");
            for (int i = 0; i < results.size(); i++) {
                SignInLoad.Result r = results.get(i);
                table.append(String.format("| %d | %.1f | %.0f %% | %s | %s | %s | %s | %s | %s |%n", r.concurrency(),
                        r.perSecond(), 100 * r.perSecond() / bound, latency(r, Step.PAGE), latency(r, Step.PASSWORD),
                        latency(r, Step.CODE_PAGE), latency(r, Step.CODE),
                        r.failures().isEmpty() ? "0" : r.failureCount() + " " + r.failures(), loads.get(i)));
            }
            table.append(String.format("%nCPU time per sign-in (all of each concurrency's sign-ins, warm-up included), "
                    + "against the %.1f ms of one password check; the last column is the most the ratio to the bound "
                    + "can be on an otherwise idle machine, where the bound has every core: one check's CPU over all of "
                    + "a sign-in's. (On a shared machine the bound gets less than every core, and the ratio can pass "
                    + "it.)%n%n", argonMs));
            table.append("| at once | sign-ins | nodes | of it beyond the check | PostgreSQL | load generator "
                    + "| ratio ceiling |\n|---|---|---|---|---|---|---|\n");
            for (int i = 0; i < results.size(); i++) {
                CpuUse c = cpu.get(i);
                table.append(String.format("| %d | %d | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.0f %% |%n",
                        results.get(i).concurrency(), results.get(i).completed(), c.nodesMs(), c.nodesMs() - argonMs,
                        c.databaseMs(), c.generatorMs(),
                        100 * argonMs / (c.nodesMs() + c.databaseMs() + c.generatorMs())));
            }
            return table.toString();
        }
    }

    /** Password checks on every core, with the nodes' hasher and cost. */
    private static HashingBound bound() throws Exception {
        return HashingBound.measure(ARGON2_MEMORY_KIB, ARGON2_ITERATIONS, cores(), Duration.ofSeconds(2),
                Duration.ofSeconds(5));
    }

    private static String latency(SignInLoad.Result r, Step step) {
        return String.format("%.1f / %.1f ms", r.p(step, 50), r.p(step, 99));
    }

    /**
     * Enough people for every sign-in of the run to be someone's first: no layout signs in faster than the bound, so
     * half as many again as the bound allows in the run's time.
     */
    private static int peopleNeeded(HashingBound bound) {
        double seconds = NODE_WARM_UP.toSeconds() + CONCURRENCY.length * (WARM_UP.toSeconds() + MEASURED.toSeconds() + 1);
        return (int) Math.ceil(1.5 * bound.checksPerSecond() * seconds) + 500;
    }

    /**
     * The run command's JVM flags (the pom's gatehouse.jvm.flags, passed by the bench profile); the image's differ
     * only in how the heap is sized.
     */
    private static List<String> shippedJvmFlags() {
        String flags = System.getProperty("gatehouse.jvm.flags");
        if (flags == null || flags.isBlank()) {
            throw new IllegalStateException("no gatehouse.jvm.flags: run with -Pbench, which passes the pom's");
        }
        return Arrays.asList(flags.trim().split("\\s+"));
    }

    private static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }
}

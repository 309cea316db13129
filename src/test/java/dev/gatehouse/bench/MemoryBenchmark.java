package dev.gatehouse.bench;

import java.io.File;
import java.net.CookieManager;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;

/**
 * Resident memory of the trial server (a JVM of its own, started as {@code ./mvnw spring-boot:run} starts it: the main
 * class with the JVM settings of the run command, {@code gatehouse.jvm.flags} in the pom) idle and after a sign-in
 * load, and the throughput of that load, so that the cost of the heap cap shows. Argon2 at m=7168 KiB, t=5 (issue 16's
 * parameters). The load: password-only sign-ins as a new browser each time (the page, then the password form with its
 * token), {@value #CONCURRENCY} at once for {@value #LOAD_SECONDS} s after a {@value #WARM_SECONDS} s warm-up, on 3000
 * users. Three runs.
 *
 * <p>{@code ./mvnw -B -Pbench test -Dtest=MemoryBenchmark} measures the shipped settings;
 * {@code -Dgatehouse.jvm.flags=none} the JVM's defaults; {@code -Dgatehouse.bench.classes=/path/to/target/classes}
 * another build of Gatehouse (e.g. an older commit's) with the same dependencies; {@code -Dgatehouse.bench.port} and
 * {@code -Dgatehouse.bench.management-port} fixed ports instead of free ones.
 */
class MemoryBenchmark {

    private static final String PASSWORD = "correct horse battery staple";
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");
    private static final int USERS = 3000;
    private static final int CONCURRENCY = 8;
    private static final int WARM_SECONDS = 10;
    private static final int LOAD_SECONDS = 30;

    @Test
    void idleAndUnderSignInLoad() throws Exception {
        String flags = System.getProperty("gatehouse.jvm.flags", "none");
        List<String> jvm = "none".equals(flags) ? List.of() : List.of(flags.trim().split("\\s+"));
        String classes = System.getProperty("gatehouse.bench.classes");
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains("test-classes"))
                .map(entry -> classes != null && entry.endsWith(File.separator + "classes") ? classes : entry)
                .collect(Collectors.joining(File.pathSeparator));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String hash = new Argon2PasswordEncoder(16, 32, 1, 7168, 5).encode(PASSWORD);
        StringBuilder rows = new StringBuilder("| run | RSS idle | heap used idle | sign-ins/s | p50 / p99 | busy (503) |"
                + " RSS after load | peak RSS | heap committed after |\n|---|---|---|---|---|---|---|---|---|\n");
        for (int run = 1; run <= 3; run++) {
            Path data = Files.createTempDirectory("gatehouse-mem");
            int port = Integer.getInteger("gatehouse.bench.port", freePort());
            int management = Integer.getInteger("gatehouse.bench.management-port", freePort());
            String url = "jdbc:h2:file:" + data.resolve("gatehouse")
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;AUTO_SERVER=TRUE";
            List<String> command = new ArrayList<>(List.of(java));
            command.addAll(jvm);
            command.addAll(List.of("-cp", classpath, "dev.gatehouse.GatehouseApplication",
                    "--server.port=" + port, "--management.server.port=" + management,
                    "--gatehouse.data-dir=" + data, "--spring.datasource.url=" + url, "--logging.level.root=WARN",
                    "--gatehouse.password.argon2.memory-kib=7168", "--gatehouse.password.argon2.iterations=5",
                    "--gatehouse.password.throttle.network.failures-per-window=1000000",
                    "--gatehouse.password.throttle.network.failures-per-day=1000000"));
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(data.resolve("console.log").toFile()).start();
            try {
                HttpClient probe = HttpClient.newHttpClient();
                awaitHealthy(probe, management, data);
                insertUsers(url, hash);
                probe.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/signin")).build(),
                        HttpResponse.BodyHandlers.discarding());
                Thread.sleep(10_000);
                long idleRss = BenchReport.statusKib(process.pid(), "VmRSS");
                double idleHeap = heap(probe, management, "jvm_memory_used_bytes");

                AtomicInteger next = new AtomicInteger();
                load(port, next, WARM_SECONDS);
                Load measured = load(port, next, LOAD_SECONDS);
                Thread.sleep(2_000);
                rows.append(String.format("| %d | %d MiB | %.0f MiB | %.1f | %.0f / %.0f ms | %d | %d MiB | %d MiB | %.0f MiB |%n",
                        run, idleRss >> 10, idleHeap / 1048576, measured.perSecond(), measured.p50(), measured.p99(),
                        measured.busy(), BenchReport.statusKib(process.pid(), "VmRSS") >> 10, BenchReport.statusKib(process.pid(), "VmHWM") >> 10,
                        heap(probe, management, "jvm_memory_committed_bytes") / 1048576));
            } finally {
                process.destroy();
                process.waitFor();
            }
        }
        BenchReport.section("Memory idle and under sign-in load (" + System.getProperty("java.version") + ", "
                + Runtime.getRuntime().availableProcessors() + " cores, JVM settings: " + ("none".equals(flags)
                ? "the JVM's defaults" : flags) + (classes == null ? "" : ", classes " + classes) + ")", rows.toString());
    }

    record Load(double perSecond, double p50, double p99, int busy) {
    }

    /** Password-only sign-ins, a new browser (cookie store) each, {@link #CONCURRENCY} at once for {@code seconds}. */
    private static Load load(int port, AtomicInteger next, int seconds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger busy = new AtomicInteger();
        AtomicLong start = new AtomicLong(System.nanoTime());
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < CONCURRENCY; w++) {
            workers.add(pool.submit(() -> {
                while (System.nanoTime() < end) {
                    int user = next.getAndIncrement() % USERS;
                    HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
                            .followRedirects(HttpClient.Redirect.NEVER).build();
                    long t = System.nanoTime();
                    int status = signIn(browser, port, "mem" + user + "@example.com");
                    if (status == 503) {
                        busy.incrementAndGet();
                    } else if (status != 302) {
                        throw new AssertionError("sign-in answered " + status);
                    } else {
                        latencies.add(System.nanoTime() - t);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : workers) {
            f.get();
        }
        double elapsed = (System.nanoTime() - start.get()) / 1e9;
        pool.shutdown();
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Load(sorted.length / elapsed, BenchReport.percentileMs(sorted, 50),
                BenchReport.percentileMs(sorted, 99), busy.get());
    }

    private static int signIn(HttpClient browser, int port, String email) throws Exception {
        String base = "http://localhost:" + port;
        HttpResponse<String> page = browser.send(HttpRequest.newBuilder(URI.create(base + "/signin")).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher csrf = CSRF.matcher(page.body());
        if (!csrf.find()) {
            throw new AssertionError("no form token on the sign-in page");
        }
        String form = "email=" + URLEncoder.encode(email, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8) + "&_csrf="
                + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8);
        return browser.send(HttpRequest.newBuilder(URI.create(base + "/signin"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /** Users without a second factor, straight into the server's database (H2's AUTO_SERVER lets two JVMs share it). */
    private static void insertUsers(String url, String hash) throws Exception {
        try (Connection db = DriverManager.getConnection(url, "sa", "");
             PreparedStatement insert = db.prepareStatement("insert into users (id, email, email_normalized,"
                     + " display_name, password_hash, password_changed_at, created_at) values (?, ?, ?, ?, ?, ?, ?)")) {
            Timestamp now = Timestamp.from(Instant.now());
            for (int i = 0; i < USERS; i++) {
                String email = "mem" + i + "@example.com";
                insert.setObject(1, UUID.randomUUID());
                insert.setString(2, email);
                insert.setString(3, email);
                insert.setString(4, "Mem " + i);
                insert.setString(5, hash);
                insert.setTimestamp(6, now);
                insert.setTimestamp(7, now);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static void awaitHealthy(HttpClient http, int management, Path data) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(
                        "http://localhost:" + management + "/actuator/health")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("UP")) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // Not listening yet.
            }
            Thread.sleep(100);
        }
        throw new AssertionError("server did not become healthy; see " + data.resolve("console.log"));
    }


    private static double heap(HttpClient http, int management, String metric) throws Exception {
        String prometheus = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + management
                + "/actuator/prometheus")).build(), HttpResponse.BodyHandlers.ofString()).body();
        return prometheus.lines().filter(l -> l.startsWith(metric + "{") && l.contains("area=\"heap\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

package dev.gatehouse.bench;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * Start-up time and idle memory of the trial setup, measured on a separate JVM started as the run command starts it
 * (main class, fresh ./data folder, embedded H2, the pom's {@code gatehouse.jvm.flags}, {@code MALLOC_ARENA_MAX=2} as
 * {@code ./gatehouse} sets it): time from process start until the first page, /signin, answers 200 (what a person
 * waits for), then resident memory and heap in use after 10 s idle. Three runs, on the JVM that runs the tests; the
 * class cache of {@code ./gatehouse} is not used here (docs/benchmarks.md, "Start-up and idle memory (stop 25)").
 * Run with {@code ./mvnw -B -Pbench test -Dtest=StartupBenchmark}; {@code -Dgatehouse.jvm.flags=none} for the JVM's
 * defaults.
 */
class StartupBenchmark {

    @Test
    void startupAndIdleMemory() throws Exception {
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains("test-classes")).collect(Collectors.joining(File.pathSeparator));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String flags = System.getProperty("gatehouse.jvm.flags", "none");
        List<String> jvm = "none".equals(flags) ? List.of() : List.of(flags.trim().split("\\s+"));
        StringBuilder rows = new StringBuilder("| run | start-up until /signin answers 200 | resident memory (RSS) idle | heap in use idle | load average |\n|---|---|---|---|---|\n");
        HttpClient http = HttpClient.newHttpClient();
        for (int run = 1; run <= 3; run++) {
            Path data = Files.createTempDirectory("gatehouse-bench-data");
            int port = freePort();
            int management = freePort();
            List<String> command = new ArrayList<>(List.of(java));
            command.addAll(jvm);
            command.addAll(List.of("-cp", classpath, "dev.gatehouse.GatehouseApplication",
                    "--server.port=" + port, "--management.server.port=" + management,
                    "--gatehouse.data-dir=" + data, "--logging.level.root=WARN"));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(data.resolve("console.log").toFile());
            builder.environment().put("MALLOC_ARENA_MAX", "2");
            long start = System.nanoTime();
            Process process = builder.start();
            try {
                double startup = Double.NaN;
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (System.nanoTime() < deadline) {
                    try {
                        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(
                                "http://localhost:" + port + "/signin")).timeout(Duration.ofSeconds(2)).build(),
                                HttpResponse.BodyHandlers.discarding());
                        if (r.statusCode() == 200) {
                            startup = (System.nanoTime() - start) / 1e9;
                            break;
                        }
                    } catch (java.io.IOException notYet) {
                        // Not listening yet.
                    }
                    Thread.sleep(20);
                }
                if (Double.isNaN(startup)) {
                    throw new AssertionError("no page within 120 s; see " + data.resolve("console.log"));
                }
                String load = BenchReport.loadAverage().split(" ")[0];
                Thread.sleep(10_000);
                long rssKib = BenchReport.statusKib(process.pid(), "VmRSS");
                String prometheus = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + management
                        + "/actuator/prometheus")).build(), HttpResponse.BodyHandlers.ofString()).body();
                double heap = prometheus.lines().filter(l -> l.startsWith("jvm_memory_used_bytes{") && l.contains("area=\"heap\""))
                        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
                rows.append(String.format("| %d | %.1f s | %.0f MiB | %.0f MiB | %s |%n", run, startup, rssKib / 1024.0,
                        heap / 1048576, load));
            } finally {
                process.destroy();
                process.waitFor();
            }
        }
        BenchReport.section("Start-up and idle memory (trial setup, H2, " + Runtime.version() + ", "
                + ("none".equals(flags) ? "JVM defaults" : flags) + ", MALLOC_ARENA_MAX=2)", rows.toString());
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

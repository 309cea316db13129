package dev.gatehouse.reliability;

import java.io.File;
import java.io.IOException;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One Gatehouse node as its own JVM process, started the way the image starts it (the application's main class on the
 * application's class path, settings as {@code --key=value} arguments), so that {@link #kill()} is a real
 * {@code kill -9}: no shutdown hook, no connection closed politely, no claim released.
 */
public final class GatehouseNode {

    private static final Duration START_WAIT = Duration.ofSeconds(240);

    private final String name;
    private final int port;
    private final int managementPort;
    private final List<String> jvm;
    private final List<String> settings;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;

    GatehouseNode(String name, int port, int managementPort, List<String> jvm, List<String> settings, Path log) {
        this.name = name;
        this.port = port;
        this.managementPort = managementPort;
        this.jvm = List.copyOf(jvm);
        this.settings = List.copyOf(settings);
        this.log = log;
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    int managementPort() {
        return managementPort;
    }

    public long pid() {
        return process.pid();
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** Starts the process; returns at once ({@link #awaitReady} waits for it). Its console goes to its log file. */
    void start() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvm);
        command.addAll(List.of("-cp", applicationClassPath(), "dev.gatehouse.GatehouseApplication",
                "--server.port=" + port, "--management.server.port=" + managementPort));
        command.addAll(settings);
        try {
            Files.createDirectories(log.getParent());
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + name, e);
        }
    }

    /** Waits until the readiness probe (management port) answers 200: started, migrated, database reachable. */
    void awaitReady() {
        long deadline = System.nanoTime() + START_WAIT.toNanos();
        while (!ready()) {
            if (!alive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " while starting; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " not ready after " + START_WAIT.toSeconds() + " s; see " + log);
            }
            Waits.pause();
        }
    }

    /** Whether the node's readiness probe answers 200 now. */
    boolean ready() {
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort
                    + "/actuator/health/readiness")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code kill -9}: {@link Process#destroyForcibly()} sends SIGKILL on Linux. Waits until the process is gone. */
    void kill() {
        process.destroyForcibly();
        waitFor();
    }

    /** An orderly stop (SIGTERM, Spring's graceful shutdown), for the end of the suite. */
    void stop() {
        if (alive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    private void waitFor() {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError(name + " did not end after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * This JVM's class path without the test classes: the application and its libraries, as in the image. (The test
     * classes would bring test configuration, such as the cheap Argon2 of src/test/resources/config.) Needs Surefire's
     * {@code useManifestOnlyJar=false}, which the reliability profile sets.
     */
    static String applicationClassPath() {
        String classPath = System.getProperty("java.class.path");
        List<String> entries = Arrays.stream(classPath.split(File.pathSeparator))
                .filter(entry -> !entry.endsWith("test-classes") && !entry.endsWith("test-classes/")).toList();
        if (entries.stream().noneMatch(entry -> entry.endsWith("classes") || entry.endsWith("classes/"))) {
            throw new IllegalStateException("the application's classes are not on the class path (" + classPath
                    + "); run with -Preliability, which gives Surefire useManifestOnlyJar=false");
        }
        return entries.stream().collect(Collectors.joining(File.pathSeparator));
    }
}

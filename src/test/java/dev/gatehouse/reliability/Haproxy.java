package dev.gatehouse.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.gatehouse.testsupport.Tools;

/**
 * HAProxy from the Debian package in front of the nodes, with the configuration the project ships
 * (deploy/haproxy/haproxy.cfg): only the listening address and the servers' addresses are replaced, so the suite
 * tests the shipped balancing, health checks and retries rather than a copy that could drift from them.
 */
public final class Haproxy {

    private static final Pattern BIND = Pattern.compile("(?m)^(\\s*)bind :8080$");
    private static final Pattern CHECK_PORT = Pattern.compile("(?m)^(\\s*default-server check) port 8081(.*)$");
    private static final Pattern SERVERS = Pattern.compile("(?m)^\\s*server gatehouse-\\d+ gatehouse-\\d+:8080\\n?");

    private final String executable;
    private final int port;
    private final Path config;
    private final Path log;
    private Process process;

    Haproxy(int port, List<GatehouseNode> nodes, Path shipped, Path workDirectory) {
        this.executable = executable();
        this.port = port;
        this.config = workDirectory.resolve("haproxy.cfg");
        this.log = workDirectory.resolve("haproxy.log");
        try {
            Files.createDirectories(workDirectory);
            Files.writeString(config, configure(Files.readString(shipped), port, nodes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** HAProxy on the PATH, or where Debian's package puts it (/usr/sbin is not on every user's PATH). */
    public static String executable() {
        String onPath = Tools.find("haproxy");
        return onPath != null ? onPath : Tools.require("/usr/sbin/haproxy");
    }

    /** The shipped configuration with this machine's addresses; fails when the file no longer has the expected lines. */
    static String configure(String shipped, int port, List<GatehouseNode> nodes) {
        String cfg = replaceOnce(BIND, shipped, "$1bind 127.0.0.1:" + port);
        // Every node is on this host, so each has its own management port: the check port moves to each server line.
        cfg = replaceOnce(CHECK_PORT, cfg, "$1$2");
        StringBuilder lines = new StringBuilder();
        for (GatehouseNode node : nodes) {
            lines.append("    server ").append(node.name()).append(" 127.0.0.1:").append(node.port())
                    .append(" port ").append(node.managementPort()).append('\n');
        }
        Matcher servers = SERVERS.matcher(cfg);
        if (!servers.find()) {
            throw new AssertionError("deploy/haproxy/haproxy.cfg has no 'server gatehouse-N gatehouse-N:8080' line");
        }
        // The shipped servers' lines give way to this machine's, in their place.
        String before = cfg.substring(0, servers.start());
        String after = SERVERS.matcher(cfg.substring(servers.start())).replaceAll("");
        return before + lines + after;
    }

    private static String replaceOnce(Pattern pattern, String text, String replacement) {
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            throw new AssertionError("deploy/haproxy/haproxy.cfg no longer matches " + pattern.pattern());
        }
        return m.replaceFirst(replacement);
    }

    void start() {
        Tools.run(List.of(executable, "-c", "-q", "-f", config.toString()));
        try {
            process = new ProcessBuilder(executable, "-db", "-f", config.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start haproxy", e);
        }
        Waits.until(Duration.ofSeconds(30), "haproxy listening on " + port, () -> {
            if (!process.isAlive()) {
                throw new AssertionError("haproxy exited; see " + log);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return true;
            } catch (IOException notYet) {
                return false;
            }
        });
    }

    public int port() {
        return port;
    }

    Path log() {
        return log;
    }

    void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}

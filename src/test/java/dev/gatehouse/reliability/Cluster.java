package dev.gatehouse.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.springframework.jdbc.core.simple.JdbcClient;

import dev.gatehouse.crypto.RandomCodes;

/**
 * A production-like deployment on this machine: one PostgreSQL, Gatehouse nodes as their own JVMs sharing a sealing
 * key, an SMTP server, and HAProxy in front with the shipped configuration; on the ports, with the Argon2 cost and
 * the node JVM flags of its {@link Setup}. The reliability suite uses {@link Setup#reliability}; the sign-in load
 * benchmark ({@code bench.SignInLoadBenchmark}) its own ports, Argon2 cost and the shipped JVM flags.
 *
 * <p>The nodes run the trial profile with the production pieces swapped in (PostgreSQL, SMTP, a key file that is not
 * generated), because the prod profile's {@code __Host-} cookies need https. What differs from the defaults, and why:
 * the Argon2 cost of the setup (the suite's is 1 MiB and one pass: it tests reliability, not hashing), the outbox
 * retrying after 1 s doubling to 5 s (so an outage ends in seconds, not minutes; 40 attempts cover the longest outage
 * the suite makes), a 30 s claim timeout (so a message a killed node held is sent again within the test), a 5 s
 * database connection timeout (a request during a database outage fails within HAProxy's 30 s server timeout), and
 * no per-network limits (every request of the suite comes from 127.0.0.1).
 */
public final class Cluster implements AutoCloseable {

    /**
     * Where a cluster runs and how its nodes are started. Ports from {@code firstPort}: HAProxy on it, node {@code i}
     * on {@code firstPort + 10 + 2i} (its management port next), SMTP on {@code + 20}, PostgreSQL on {@code + 30}; so
     * a setup uses {@code firstPort} to {@code firstPort + 30}, and at most five nodes.
     *
     * @param directory  the work folder under target/, emptied at start (logs, data, HAProxy's configuration)
     * @param nodeJvm    the nodes' JVM options
     */
    public record Setup(String directory, int nodeCount, int firstPort, int argon2MemoryKib, int argon2Iterations,
                        List<String> nodeJvm) {

        public Setup {
            if (nodeCount < 1 || nodeCount > 5) {
                throw new IllegalArgumentException("a cluster has 1 to 5 nodes (ports firstPort + 10 to + 19)");
            }
            nodeJvm = List.copyOf(nodeJvm);
        }

        /**
         * The reliability suite's: ports 18500-18599, Argon2 at 1 MiB and one pass, and small, quick-starting nodes
         * (the suite shares two cores with other builds) with heap enough for that Argon2 on every Tomcat thread.
         */
        static Setup reliability(int nodeCount) {
            return new Setup("reliability", nodeCount, 18500, 1024, 1,
                    List.of("-Xmx320m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k"));
        }

        int proxyPort() {
            return firstPort;
        }

        int nodePort(int index) {
            return firstPort + 10 + 2 * index;
        }

        int smtpPort() {
            return firstPort + 20;
        }

        int postgresPort() {
            return firstPort + 30;
        }
    }

    private final Setup setup;
    private final Path work;
    private final Database database;
    private final Mailbox mailbox;
    private final List<GatehouseNode> nodes = new ArrayList<>();
    private final Haproxy haproxy;
    private final Path keyFile;

    /** The reliability suite's cluster of {@code nodeCount} nodes. */
    Cluster(int nodeCount) {
        this(Setup.reliability(nodeCount));
    }

    public Cluster(Setup setup) {
        this.setup = setup;
        this.work = Path.of("target", setup.directory()).toAbsolutePath();
        deleteRecursively(work);
        try {
            Files.createDirectories(work);
            keyFile = work.resolve("gatehouse-keys.properties");
            Files.writeString(keyFile, "active-key-id=rel1\nkeys.rel1="
                    + Base64.getEncoder().encodeToString(RandomCodes.bytes(32)) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        database = new Database(setup.postgresPort(), work.resolve("postgres"));
        mailbox = new Mailbox(setup.smtpPort());
        for (int i = 0; i < setup.nodeCount(); i++) {
            String name = "gatehouse-" + (i + 1);
            nodes.add(new GatehouseNode(name, setup.nodePort(i), setup.nodePort(i) + 1, setup.nodeJvm(),
                    settings(work.resolve(name)), work.resolve(name + ".log")));
        }
        haproxy = new Haproxy(setup.proxyPort(), nodes, Path.of("deploy", "haproxy", "haproxy.cfg"), work.resolve("haproxy"));
        Runtime.getRuntime().addShutdownHook(new Thread(this::close));
    }

    /** Starts everything and waits until every node is ready; the first node migrates the database alone. */
    public Cluster start() {
        database.create();
        mailbox.start();
        nodes.get(0).start();
        nodes.get(0).awaitReady();
        for (GatehouseNode node : nodes.subList(1, nodes.size())) {
            node.start();
        }
        nodes.forEach(GatehouseNode::awaitReady);
        haproxy.start();
        return this;
    }

    private List<String> settings(Path dataDirectory) {
        return List.of(
                "--spring.profiles.active=dev",
                "--spring.datasource.url=jdbc:postgresql://localhost:" + setup.postgresPort() + "/" + Database.NAME,
                "--spring.datasource.username=postgres", "--spring.datasource.password=",
                "--spring.datasource.hikari.connection-timeout=5000",
                "--gatehouse.data-dir=" + dataDirectory,
                "--gatehouse.crypto.key-file=" + work.resolve("gatehouse-keys.properties"),
                "--gatehouse.crypto.generate-key-file=false",
                "--gatehouse.base-url=http://localhost:" + setup.proxyPort(),
                "--gatehouse.mail.gateway=smtp", "--spring.mail.host=127.0.0.1", "--spring.mail.port=" + setup.smtpPort(),
                "--gatehouse.mail.from=Gatehouse <no-reply@reliability.example>",
                "--gatehouse.outbox.poll-interval=500ms", "--gatehouse.outbox.initial-backoff=1s",
                "--gatehouse.outbox.max-backoff=5s", "--gatehouse.outbox.max-attempts=40",
                "--gatehouse.outbox.claim-timeout=30s",
                "--gatehouse.password.argon2.memory-kib=" + setup.argon2MemoryKib(),
                "--gatehouse.password.argon2.iterations=" + setup.argon2Iterations(),
                "--gatehouse.password.argon2.parallelism=1",
                "--gatehouse.password.throttle.network.failures-per-window=100000",
                "--gatehouse.password.throttle.network.failures-per-day=100000",
                "--gatehouse.codes.ip-sends-per-window=100000", "--gatehouse.codes.ip-sends-per-day=100000",
                "--logging.level.root=WARN", "--logging.level.dev.gatehouse=INFO",
                "--spring.main.banner-mode=off", "--spring.jmx.enabled=false");
    }

    public GatehouseNode node(int index) {
        return nodes.get(index);
    }

    public List<GatehouseNode> nodes() {
        return List.copyOf(nodes);
    }

    /** PostgreSQL's postmaster process; its sessions are its children. */
    public long databasePid() {
        return database.pid();
    }

    Database database() {
        return database;
    }

    JdbcClient jdbc() {
        return database.jdbc();
    }

    Mailbox mailbox() {
        return mailbox;
    }

    public Haproxy haproxy() {
        return haproxy;
    }

    public People people() {
        return new People(database, keyFile, setup.argon2MemoryKib(), setup.argon2Iterations());
    }

    Path work() {
        return work;
    }

    @Override
    public synchronized void close() {
        haproxy.stop();
        nodes.forEach(GatehouseNode::stop);
        if (mailbox.running()) {
            mailbox.stop();
        }
        if (database.running()) {
            database.stop();
        }
    }

    private static void deleteRecursively(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> all = Files.walk(path)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

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
 * A production-like deployment on this machine: one PostgreSQL, two Gatehouse nodes as their own JVMs sharing a
 * sealing key, an SMTP server, and HAProxy in front with the shipped configuration. Ports 18500-18599 only.
 *
 * <p>The nodes run the trial profile with the production pieces swapped in (PostgreSQL, SMTP, a key file that is not
 * generated), because the prod profile's {@code __Host-} cookies need https. What differs from the defaults, and why:
 * Argon2 at 1 MiB and one pass (the suite tests reliability, not hashing; the benchmarks measure that), the outbox
 * retrying after 1 s doubling to 5 s (so an outage ends in seconds, not minutes; 40 attempts cover the longest outage
 * the suite makes), a 30 s claim timeout (so a message a killed node held is sent again within the test), a 5 s
 * database connection timeout (a request during a database outage fails within HAProxy's 30 s server timeout), and
 * no per-network limits (every request of the suite comes from 127.0.0.1).
 */
final class Cluster implements AutoCloseable {

    static final int PROXY_PORT = 18500;
    static final int FIRST_NODE_PORT = 18510;
    static final int SMTP_PORT = 18520;
    static final int POSTGRES_PORT = 18530;
    static final int ARGON2_MEMORY_KIB = 1024;
    static final int ARGON2_ITERATIONS = 1;

    private final Path work;
    private final Database database;
    private final Mailbox mailbox;
    private final List<GatehouseNode> nodes = new ArrayList<>();
    private final Haproxy haproxy;
    private final Path keyFile;

    Cluster(int nodeCount) {
        this.work = Path.of("target", "reliability").toAbsolutePath();
        deleteRecursively(work);
        try {
            Files.createDirectories(work);
            keyFile = work.resolve("gatehouse-keys.properties");
            Files.writeString(keyFile, "active-key-id=rel1\nkeys.rel1="
                    + Base64.getEncoder().encodeToString(RandomCodes.bytes(32)) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        database = new Database(POSTGRES_PORT, work.resolve("postgres"));
        mailbox = new Mailbox(SMTP_PORT);
        for (int i = 0; i < nodeCount; i++) {
            String name = "gatehouse-" + (i + 1);
            nodes.add(new GatehouseNode(name, FIRST_NODE_PORT + 2 * i, FIRST_NODE_PORT + 2 * i + 1,
                    settings(work.resolve(name)), work.resolve(name + ".log")));
        }
        haproxy = new Haproxy(PROXY_PORT, nodes, Path.of("deploy", "haproxy", "haproxy.cfg"), work.resolve("haproxy"));
        Runtime.getRuntime().addShutdownHook(new Thread(this::close));
    }

    /** Starts everything and waits until both nodes are ready; the first node migrates the database alone. */
    Cluster start() {
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
                "--spring.datasource.url=jdbc:postgresql://localhost:" + POSTGRES_PORT + "/" + Database.NAME,
                "--spring.datasource.username=postgres", "--spring.datasource.password=",
                "--spring.datasource.hikari.connection-timeout=5000",
                "--gatehouse.data-dir=" + dataDirectory,
                "--gatehouse.crypto.key-file=" + work.resolve("gatehouse-keys.properties"),
                "--gatehouse.crypto.generate-key-file=false",
                "--gatehouse.base-url=http://localhost:" + PROXY_PORT,
                "--gatehouse.mail.gateway=smtp", "--spring.mail.host=127.0.0.1", "--spring.mail.port=" + SMTP_PORT,
                "--gatehouse.mail.from=Gatehouse <no-reply@reliability.example>",
                "--gatehouse.outbox.poll-interval=500ms", "--gatehouse.outbox.initial-backoff=1s",
                "--gatehouse.outbox.max-backoff=5s", "--gatehouse.outbox.max-attempts=40",
                "--gatehouse.outbox.claim-timeout=30s",
                "--gatehouse.password.argon2.memory-kib=" + ARGON2_MEMORY_KIB,
                "--gatehouse.password.argon2.iterations=" + ARGON2_ITERATIONS,
                "--gatehouse.password.argon2.parallelism=1",
                "--gatehouse.password.throttle.network.failures-per-window=100000",
                "--gatehouse.password.throttle.network.failures-per-day=100000",
                "--gatehouse.codes.ip-sends-per-window=100000", "--gatehouse.codes.ip-sends-per-day=100000",
                "--logging.level.root=WARN", "--logging.level.dev.gatehouse=INFO",
                "--spring.main.banner-mode=off", "--spring.jmx.enabled=false");
    }

    GatehouseNode node(int index) {
        return nodes.get(index);
    }

    List<GatehouseNode> nodes() {
        return List.copyOf(nodes);
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

    Haproxy haproxy() {
        return haproxy;
    }

    People people() {
        return new People(database, keyFile, ARGON2_MEMORY_KIB, ARGON2_ITERATIONS);
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

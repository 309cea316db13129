package dev.gatehouse.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.system.Times;
import dev.gatehouse.system.GatehouseProperties;
import dev.gatehouse.system.MetricNames;
import dev.gatehouse.testsupport.MutableClock;

/**
 * Text messages through the outbox to Twilio (a local fake that answers in Twilio's shapes): rendered from the
 * template, sent once, failures retried with backoff and audited, permanent errors given up at once, and the code
 * never in a log line.
 */
@SpringBootTest(classes = SmsOutboxTest.NotifyOnly.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
                "gatehouse.mail.gateway=dev-mailbox",
                "gatehouse.sms.gateway=twilio",
                "gatehouse.sms.twilio.account-sid=AC0123456789abcdef0123456789abcdef",
                "gatehouse.sms.twilio.auth-token=not-a-real-token",
                "gatehouse.sms.twilio.from=+15005550006",
                "spring.datasource.url=jdbc:h2:mem:notify-sms;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                        + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
                "gatehouse.outbox.poll-interval=100ms",
                "gatehouse.outbox.initial-backoff=1s",
                "gatehouse.outbox.max-backoff=4s",
                "gatehouse.outbox.max-attempts=4",
                "logging.level.dev.gatehouse=DEBUG",
                "management.server.port=0",
                "server.port=0"})
@ExtendWith(OutputCaptureExtension.class)
class SmsOutboxTest {

    private static final FakeProvider TWILIO = new FakeProvider();
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String CODE = "472913";

    @DynamicPropertySource
    static void twilio(DynamicPropertyRegistry registry) {
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
    @Autowired TransactionTemplate tx;
    @Autowired JdbcClient jdbc;
    @Autowired MutableClock clock;
    @Autowired AuditLog audit;
    @Autowired OutboxProperties outboxProperties;
    @Autowired MeterRegistry meters;

    @BeforeEach
    void reset() {
        TWILIO.forget();
    }

    @AfterAll
    static void stopTwilio() {
        TWILIO.close();
    }

    @Test
    void sendWhenTwilioAcceptsThenRenderedTextSentOnceAndBodyBlanked() {
        TWILIO.answer(FakeProvider.twilioQueued());
        String to = number();

        queue(to, clock.instant().plus(Duration.ofMinutes(10)));

        await().atMost(WAIT).until(() -> status(to).equals("SENT"));
        assertThat(TWILIO.requests()).hasSize(1);
        assertThat(TWILIO.requests().get(0).body()).contains("Body=Gatehouse+sign-in+code%3A+" + CODE)
                .contains("Valid+for+10+minutes.").contains("Not+you%3F");
        assertThat(jdbc.sql("select text_body from outbox where recipient = ?").param(to).query(String.class).single())
                .isEmpty();
        assertThat(notifier.smsAvailable()).isTrue();
    }

    @Test
    void sendWhenTwilioFailsThenRetriedWithBackoffAuditedAndLoggedWithoutTheCode(CapturedOutput output) {
        TWILIO.answer(FakeProvider.twilioError(500, 20500, "Internal Server Error"),
                FakeProvider.twilioError(429, 20429, "Too Many Requests"), FakeProvider.twilioQueued());
        String to = number();
        double retriedBefore = deliveryFailures("retrying");

        queue(to, clock.instant().plus(Duration.ofMinutes(10)));
        await().atMost(WAIT).until(() -> attempts(to) == 1);
        assertThat(TWILIO.requests()).hasSize(1);
        clock.advance(Duration.ofMillis(999));
        relay.poll();
        assertThat(TWILIO.requests()).as("waits out the backoff").hasSize(1);
        clock.advance(Duration.ofMillis(1));
        await().atMost(WAIT).until(() -> attempts(to) == 2);
        clock.advance(Duration.ofSeconds(2));
        await().atMost(WAIT).until(() -> status(to).equals("SENT"));

        assertThat(TWILIO.requests()).hasSize(3);
        assertThat(TWILIO.requests()).allSatisfy(r -> assertThat(r.body()).contains(CODE));
        List<String> audit = jdbc.sql("select detail from audit_events where type = 'MESSAGE_DELIVERY_FAILED'"
                + " and detail like 'channel=SMS%'").query(String.class).list();
        assertThat(audit).contains("channel=SMS country=GB error=Twilio HTTP 500 error 20500 attempts=1 retrying");
        assertThat(deliveryFailures("retrying")).as("every failed try counts, not only the audited first")
                .isEqualTo(retriedBefore + 2);
        assertThat(output.getAll()).contains("Twilio HTTP 500 error 20500", "Twilio HTTP 429 error 20429")
                .doesNotContain(CODE).doesNotContain(to).doesNotContain("not-a-real-token");
    }

    @Test
    void sendWhenTwilioRefusesTheNumberThenGivenUpAtOnceAndAudited(CapturedOutput output) {
        String to = number();
        TWILIO.answer(FakeProvider.twilioError(400, 21211, "The 'To' number " + to + " is not a valid phone number."));
        double gaveUpBefore = deliveryFailures("gave_up");

        queue(to, clock.instant().plus(Duration.ofMinutes(10)));

        await().atMost(WAIT).until(() -> status(to).equals("FAILED"));
        assertThat(TWILIO.requests()).hasSize(1);
        assertThat(jdbc.sql("select last_error from outbox where recipient = ?").param(to).query(String.class).single())
                .isEqualTo("Twilio HTTP 400 error 21211");
        assertThat(jdbc.sql("select count(*) from audit_events where detail = ?")
                .param("channel=SMS country=GB error=Twilio HTTP 400 error 21211 attempts=1 gave up")
                .query(Long.class).single()).isEqualTo(1);
        assertThat(output.getAll()).doesNotContain(CODE).doesNotContain(to);
        assertThat(deliveryFailures("gave_up")).isEqualTo(gaveUpBefore + 1);
    }

    private double deliveryFailures(String outcome) {
        return meters.get(MetricNames.DELIVERY_FAILURES).tags("channel", "sms", "outcome", outcome).counter().count();
    }

    @Test
    void sendWhenCodeExpiresBeforeTwilioComesBackThenNeverSentLate() {
        TWILIO.answer(new FakeProvider.Response(503, ""), FakeProvider.twilioQueued());
        String to = number();

        queue(to, clock.instant().plus(Duration.ofSeconds(1)));
        await().atMost(WAIT).until(() -> attempts(to) == 1);
        clock.advance(Duration.ofSeconds(2));
        relay.poll();

        await().atMost(WAIT).until(() -> status(to).equals("EXPIRED"));
        assertThat(TWILIO.requests()).hasSize(1);
    }

    @Test
    void withdrawWhenNotDeliveredYetThenNeverSent() {
        TWILIO.answer(new FakeProvider.Response(503, ""), FakeProvider.twilioQueued());
        String to = number();
        UUID id = queue(to, clock.instant().plus(Duration.ofMinutes(10)));
        await().atMost(WAIT).until(() -> attempts(to) == 1);

        tx.executeWithoutResult(s -> notifier.withdraw(id));
        clock.advance(Duration.ofSeconds(5));
        relay.poll();

        assertThat(status(to)).isEqualTo("EXPIRED");
        assertThat(TWILIO.requests()).hasSize(1);
    }

    @Test
    void withdrawWhenInFlightThenItsRetryIsNeverSent() {
        TWILIO.answer(new FakeProvider.Response(503, ""), FakeProvider.twilioQueued());
        String to = number();
        UUID id = queue(to, clock.instant().plus(Duration.ofMinutes(10)));
        await().atMost(WAIT).until(() -> attempts(to) == 1);
        // A relay claims the retry and is still talking to the provider when the user asks for a new code.
        jdbc.sql("update outbox set claimed_until = ? where id = ?")
                .params(java.sql.Timestamp.from(clock.instant().plus(Duration.ofMinutes(1))), id).update();

        tx.executeWithoutResult(s -> notifier.withdraw(id));
        assertThat(status(to)).as("in flight: left to its relay").isEqualTo("PENDING");
        // That attempt fails and lets go of the row; the next poll must not send the replaced code.
        jdbc.sql("update outbox set claimed_until = null where id = ?").param(id).update();
        clock.advance(Duration.ofSeconds(5));
        relay.poll();

        assertThat(status(to)).isEqualTo("EXPIRED");
        assertThat(TWILIO.requests()).hasSize(1);
    }

    @Test
    void pollWhenEmailsQueuedBeforeATextMessageThenTheChannelsTakeTurns() {
        // Four emails (think: retries to a hanging SMTP server) queued before a sign-in code by text message.
        Instant due = clock.instant().plus(Duration.ofDays(1));
        String tag = UUID.randomUUID().toString().substring(0, 8);
        for (int i = 1; i <= 4; i++) {
            row("EMAIL", "mail" + i + "-" + tag + "@example.com", due);
        }
        String number = number();
        row("SMS", number, due);
        // A node whose clock is a day ahead, so only it sees these rows as due; its gateways record the order.
        List<String> order = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        // Only this test's rows are recorded: rows other tests left waiting may be due for this node too.
        MailGateway mail = m -> {
            if (m.recipient().contains(tag)) {
                order.add("EMAIL");
            }
            return new Delivery.Delivered();
        };
        SmsGateway sms = m -> {
            if (m.recipient().equals(number)) {
                order.add("SMS");
            }
            return new Delivery.Delivered();
        };
        OutboxRelay node = new OutboxRelay(jdbc, mail, sms, audit, outboxProperties,
                new MutableClock(due.plusSeconds(1)));

        node.poll();

        assertThat(order).hasSize(5);
        assertThat(order.indexOf("SMS")).as("the code waits for one email at most, not for all four").isLessThanOrEqualTo(1);
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

    private UUID queue(String to, Instant notAfter) {
        return tx.execute(s -> notifier.send(new SmsMessage(to, "verification-code",
                Map.of("code", CODE, "purpose", "SIGN_IN", "minutes", 10L), notAfter)));
    }

    private static String number() {
        return "+447400" + String.format("%06d", java.util.concurrent.ThreadLocalRandom.current().nextInt(1_000_000));
    }

    private String status(String to) {
        return jdbc.sql("select status from outbox where recipient = ?").param(to).query(String.class).single();
    }

    private int attempts(String to) {
        return jdbc.sql("select attempts from outbox where recipient = ?").param(to).query(Integer.class).single();
    }
}

package dev.gatehouse.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
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
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.support.TransactionTemplate;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.system.Times;
import dev.gatehouse.system.GatehouseProperties;
import dev.gatehouse.testsupport.MutableClock;

/**
 * The outbox end to end against a real SMTP server (GreenMail): queued in the caller's transaction, relayed with
 * retries, delivered once. Only the notify module and its database run here, not the web application. Run on H2 by
 * {@link OutboxSmtpOnH2Test} and on PostgreSQL by {@link OutboxSmtpOnPostgresTest}; both share one SMTP server.
 */
@SpringBootTest(classes = OutboxSmtpTests.NotifyOnly.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
                "gatehouse.mail.gateway=smtp",
                "gatehouse.mail.from=Gatehouse Test <no-reply@gatehouse.test>",
                "spring.mail.host=localhost",
                "gatehouse.outbox.poll-interval=100ms",
                "gatehouse.outbox.initial-backoff=100ms",
                "gatehouse.outbox.max-backoff=1s",
                "gatehouse.outbox.max-attempts=5",
                "management.server.port=0",
                "server.port=0"})
abstract class OutboxSmtpTests {

    private static final int SMTP_PORT = freePort();
    private static final GreenMail SMTP = new GreenMail(new ServerSetup(SMTP_PORT, "localhost", "smtp"));
    private static final Duration WAIT = Duration.ofSeconds(15);

    static {
        SMTP.start();
    }

    @DynamicPropertySource
    static void smtp(DynamicPropertyRegistry registry) {
        registry.add("spring.mail.port", () -> SMTP_PORT);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @EnableConfigurationProperties({GatehouseProperties.class, NotifyProperties.class, OutboxProperties.class})
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
    @Autowired MailRenderer renderer;
    @Autowired MailGateway gateway;
    @Autowired AuditLog audit;
    @Autowired OutboxProperties outboxProperties;
    @Autowired TransactionTemplate tx;
    @Autowired JdbcClient jdbc;
    @Autowired MutableClock clock;
    @Autowired org.springframework.context.ApplicationContext context;

    @AfterAll
    static void stopSmtp() {
        SMTP.stop();
    }

    @BeforeEach
    void smtpUp() {
        if (!SMTP.isRunning()) {
            SMTP.start();
        }
    }

    @Test
    void sendWhenQueuedInTransactionThenSmtpReceivesSubjectTextAndHtml() throws Exception {
        String to = recipient("ada");
        Instant when = Instant.parse("2026-11-23T14:05:00Z");
        tx.executeWithoutResult(s -> notifier.send(EmailMessage.of(to, "password-changed", Map.of(
                "displayName", "Ada", "when", when, "ip", "203.0.113.7", "browser", "Chrome on Linux"))));

        relay.poll();
        MimeMessage mail = awaitOne(to);

        assertThat(mail.getSubject()).isEqualTo("Your Gatehouse password was changed");
        assertThat(mail.getFrom()).extracting(Address::toString).containsExactly("Gatehouse Test <no-reply@gatehouse.test>");
        assertThat(mail.getHeader("Auto-Submitted")).containsExactly("auto-generated");
        assertThat(mail.getContentType()).startsWith("multipart/alternative");
        MimeMultipart parts = (MimeMultipart) mail.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        BodyPart text = parts.getBodyPart(0);
        BodyPart html = parts.getBodyPart(1);
        assertThat(text.isMimeType("text/plain")).isTrue();
        assertThat(html.isMimeType("text/html")).isTrue();
        assertThat((String) text.getContent()).contains("Hello Ada,", "When: 23 Nov 2026, 14:05 UTC",
                "Browser: Chrome on Linux", "IP address: 203.0.113.7", "If this wasn't you",
                "http://localhost:").doesNotContain("[(", "${")
                // After a reset someone else made, the owner cannot sign in with a password they no longer know.
                .contains("read a reset link sent to your email", "\"Forgot password?\"", "/signin/forgot")
                .doesNotContain("Sign in and change your password");
        assertThat((String) html.getContent()).contains("23 Nov 2026, 14:05 UTC", "Chrome on Linux",
                "<title>Your Gatehouse password was changed</title>", "/signin/forgot\"", ">Forgot password?</a>")
                .doesNotContain(" th:", "xmlns:th", "<script");
        await().atMost(WAIT).untilAsserted(() -> assertThat(row(to).status()).isEqualTo("SENT"));
    }

    /**
     * Found by an outside attack in stop 31: without {@code mail.mime.allowutf8} the mail library wrote each character
     * of an address as its low byte, so "vict\u0169m@..." (a different address, with its own limits) was delivered to
     * "victim@...", and a real non-ASCII address to a stranger. Now the address goes as UTF-8, or not at all.
     */
    @Test
    void relayWhenTheAddressHasNonAsciiLettersThenNothingReachesTheAsciiMailboxTheyWouldBeCutTo() {
        String ascii = recipient("victim");
        String lookalike = ascii.replaceFirst("i", "\u0169");
        queue(lookalike, null);
        relay.poll();
        await().atMost(WAIT).untilAsserted(() -> assertThat(row(lookalike).status()).isNotEqualTo("PENDING"));
        // The envelope decides where mail goes: GreenMail makes a mailbox for each address it accepted in RCPT TO.
        assertThat(SMTP.getUserManager().getUserByEmail(ascii)).as("a mailbox for the ASCII address the look-alike"
                + " would be cut to").isNull();
    }

    @Test
    void relayWhenScheduledThenDeliversWithoutBeingCalled() {
        String to = recipient("scheduled");
        queue(to, null);

        awaitOne(to);
    }

    @Test
    void devMailboxWhenSmtpGatewayThenAbsent() {
        assertThat(context.getBeanProvider(DevMailbox.class).getIfAvailable()).isNull();
        assertThat(gateway).isInstanceOf(SmtpMailGateway.class);
    }

    @Test
    void relayWhenSentThenBodiesBlanked() {
        String to = recipient("blank");
        queue(to, null);

        relay.poll();
        awaitOne(to);

        await().atMost(WAIT).untilAsserted(() -> {
            Row row = row(to);
            assertThat(row.status()).isEqualTo("SENT");
            assertThat(row.textBody()).isEmpty();
            assertThat(row.htmlBody()).isEmpty();
        });
    }

    @Test
    void sendWhenTransactionRollsBackThenNeverSent() {
        String to = recipient("rollback");
        tx.executeWithoutResult(s -> {
            notifier.send(message(to, null));
            s.setRollbackOnly();
        });

        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(1));
            relay.poll();
        }

        assertThat(jdbc.sql("select count(*) from outbox where recipient = ?").param(to).query(Integer.class).single())
                .isZero();
        assertThat(received(to)).isEmpty();
    }

    @Test
    void sendWhenNoTransactionThenRefused() {
        String to = recipient("notx");

        assertThatThrownBy(() -> notifier.send(message(to, null))).isInstanceOf(IllegalTransactionStateException.class);
        assertThat(jdbc.sql("select count(*) from outbox where recipient = ?").param(to).query(Integer.class).single())
                .isZero();
    }

    @Test
    void relayWhenSmtpDownThenRetriesAndDeliversOnce() throws Exception {
        String to = recipient("retry");
        SMTP.stop();
        queue(to, null);

        relay.poll();
        await().atMost(WAIT).untilAsserted(() -> assertThat(row(to).attempts()).isEqualTo(1));
        for (int expected = 2; expected <= 3; expected++) {
            clock.advance(Duration.ofSeconds(2));
            relay.poll();
            int attempts = expected;
            await().atMost(WAIT).untilAsserted(() -> assertThat(row(to).attempts()).isEqualTo(attempts));
        }
        Row failing = row(to);
        assertThat(failing.status()).isEqualTo("PENDING");
        assertThat(failing.lastError()).isNotBlank().doesNotContain("Hello", to);
        assertThat(failing.nextAttemptAt()).isAfter(clock.instant());
        assertThat(failing.textBody()).isNotEmpty();

        SMTP.start();
        clock.advance(Duration.ofSeconds(2));
        relay.poll();
        awaitOne(to);
        await().atMost(WAIT).untilAsserted(() -> assertThat(row(to).status()).isEqualTo("SENT"));

        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofMinutes(1));
            relay.poll();
        }
        Thread.sleep(300);
        assertThat(received(to)).hasSize(1);
    }

    @Test
    void relayWhenAttemptsExhaustedThenFailedAndAudited() {
        String to = recipient("doomed");
        SMTP.stop();
        queue(to, null);

        // The scheduled relay polls too; whoever holds the claim makes the attempt.
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
            clock.advance(Duration.ofSeconds(2));
            relay.poll();
            return row(to).status().equals("FAILED");
        });

        Row failed = row(to);
        assertThat(failed.status()).isEqualTo("FAILED");
        assertThat(failed.attempts()).isEqualTo(outboxProperties.maxAttempts());
        assertThat(failed.textBody()).isEmpty();
        List<String> details = jdbc.sql("select detail from audit_events where type = 'MESSAGE_DELIVERY_FAILED'"
                        + " and user_id is null and detail like ?")
                .param("%domain=notify.test%")
                .query(String.class).list();
        assertThat(details).isNotEmpty();
        assertThat(details).allSatisfy(detail -> assertThat(detail)
                .startsWith("channel=EMAIL domain=notify.test error=")
                .doesNotContain("doomed", "Hello", "password"));
    }

    @Test
    void relayWhenClaimedMoreOftenThanItMayBeTriedThenGivenUpUnsent() {
        String to = recipient("poison");
        // Due now, but claimed as often as it may be tried and never come back (its node died each time).
        jdbc.sql("""
                insert into outbox (id, channel, recipient, subject, text_body, html_body, created_at, attempts,
                                    next_attempt_at, status, claims)
                values (?, 'EMAIL', ?, 'Subject', 'Body', '', ?, 0, ?, 'PENDING', ?)""")
                .params(UUID.randomUUID(), to, java.sql.Timestamp.from(clock.instant()),
                        java.sql.Timestamp.from(clock.instant()), outboxProperties.maxAttempts())
                .update();
        relay.poll();

        await().atMost(WAIT).untilAsserted(() -> assertThat(row(to).status()).isEqualTo("FAILED"));
        assertThat(row(to).lastError()).isEqualTo("DeliveryNeverReturned");
        assertThat(row(to).textBody()).isEmpty();
        assertThat(received(to)).isEmpty();
    }

    @Test
    void failedWhenTheAttemptLostItsClaimToAnotherNodeThenTheOthersClaimStands() {
        String to = recipient("overtaken");
        outboxRow(to, "PENDING", clock.instant(), clock.instant().plus(Duration.ofDays(1)));
        UUID id = jdbc.sql("select id from outbox where recipient = ?").param(to).query(UUID.class).single();
        // Two more nodes whose clocks run a day ahead: the row is due for them, not for this server's own relay.
        MutableClock later = new MutableClock(clock.instant().plus(Duration.ofDays(1)).plusSeconds(1));
        OutboxRelay nodeA = new OutboxRelay(jdbc, gateway, audit, outboxProperties, later);
        OutboxRelay nodeB = new OutboxRelay(jdbc, gateway, audit, outboxProperties, later);
        String first = nodeA.claim(id).orElseThrow();
        OutboxRelay.Row row = nodeA.load(id).orElseThrow();
        later.advance(outboxProperties.claimTimeout().plusSeconds(1));
        String second = nodeB.claim(id).orElseThrow();
        assertThat(second).isNotEqualTo(first);

        // Node A's slow attempt fails late: it must not clear node B's claim or count an attempt.
        nodeA.failed(row, new Delivery.Failed("SocketTimeoutException", false), first);
        assertThat(jdbc.sql("select claim_token from outbox where id = ?").param(id).query(String.class).single())
                .isEqualTo(second);
        assertThat(row(to).attempts()).isZero();
        assertThat(row(to).status()).isEqualTo("PENDING");

        nodeB.failed(row, new Delivery.Failed("SocketTimeoutException", false), second);
        assertThat(row(to).attempts()).isEqualTo(1);
    }

    @Test
    void relayWhenNotAfterPassedBeforeDeliveryThenExpiredAndNeverSent() {
        String to = recipient("late");
        tx.executeWithoutResult(s -> {
            notifier.send(message(to, clock.instant().plusSeconds(30)));
            // The relay sees the row only at commit, by which time its code has expired.
            clock.advance(Duration.ofSeconds(31));
        });

        relay.poll();

        await().atMost(WAIT).untilAsserted(() -> {
            Row row = row(to);
            assertThat(row.status()).isEqualTo("EXPIRED");
            assertThat(row.textBody()).isEmpty();
            assertThat(row.htmlBody()).isEmpty();
            assertThat(row.sentAt()).isNull();
        });
        assertThat(received(to)).isEmpty();
    }

    @Test
    void relayWhenCodeExpiresDuringBackoffThenDropped() {
        String to = recipient("backoff");
        SMTP.stop();
        queue(to, clock.instant().plusSeconds(5));
        relay.poll();
        await().atMost(WAIT).untilAsserted(() -> assertThat(row(to).attempts()).isEqualTo(1));

        SMTP.start();
        clock.advance(Duration.ofSeconds(6));
        relay.poll();

        await().atMost(WAIT).untilAsserted(() -> assertThat(row(to).status()).isEqualTo("EXPIRED"));
        assertThat(row(to).textBody()).isEmpty();
        assertThat(received(to)).isEmpty();
    }

    @Test
    void relayWhenTwoNodesRaceThenEachMessageDeliveredOnce() throws Exception {
        int count = 30;
        String prefix = "race-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> recipients = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            recipients.add(prefix + "-" + i + "@notify.test");
        }
        tx.executeWithoutResult(s -> recipients.forEach(to -> notifier.send(message(to, null))));
        // A second node: its own relay instance over the same database.
        OutboxRelay otherNode = new OutboxRelay(jdbc, gateway, audit, outboxProperties, clock);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Callable<Integer>> nodes = List.of(() -> pollMany(relay, start), () -> pollMany(otherNode, start));
            List<Future<Integer>> results = new ArrayList<>();
            for (Callable<Integer> node : nodes) {
                results.add(pool.submit(node));
            }
            start.countDown();
            for (Future<Integer> result : results) {
                result.get();
            }
        } finally {
            pool.shutdownNow();
        }

        await().atMost(WAIT).untilAsserted(() -> assertThat(jdbc.sql(
                "select count(*) from outbox where recipient like ? and status = 'SENT'")
                .param(prefix + "%").query(Integer.class).single()).isEqualTo(count));
        Thread.sleep(300);
        for (String to : recipients) {
            assertThat(received(to)).as(to).hasSize(1);
        }
    }

    @Test
    void lanesWhenFourSendersOnEachOfThreeNodesThenEveryRowSentExactlyOnce() {
        // Rows due a day from now, and three more nodes whose clocks are a day ahead: only they send these rows.
        Instant due = clock.instant().plus(Duration.ofDays(1));
        String tag = UUID.randomUUID().toString().substring(0, 8);
        int count = 120;
        for (int i = 0; i < count; i++) {
            outboxRow("lanes-" + i + "-" + tag + "@notify.test", "PENDING", clock.instant(), due);
        }
        java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.AtomicInteger> sends =
                new java.util.concurrent.ConcurrentHashMap<>();
        MailGateway recording = m -> {
            sends.computeIfAbsent(m.recipient(), r -> new java.util.concurrent.atomic.AtomicInteger())
                    .incrementAndGet();
            return new Delivery.Delivered();
        };
        OutboxProperties fourSenders = new OutboxProperties(outboxProperties.pollInterval(),
                outboxProperties.initialBackoff(), outboxProperties.maxBackoff(), outboxProperties.maxAttempts(),
                outboxProperties.claimTimeout(), outboxProperties.retention(), 4);
        MutableClock later = new MutableClock(due.plusSeconds(1));
        List<OutboxRelay> nodes = List.of(new OutboxRelay(jdbc, recording, audit, fourSenders, later),
                new OutboxRelay(jdbc, recording, audit, fourSenders, later),
                new OutboxRelay(jdbc, recording, audit, fourSenders, later));
        try {
            nodes.forEach(OutboxRelay::wake);
            await().atMost(WAIT).untilAsserted(() -> assertThat(jdbc.sql(
                    "select count(*) from outbox where recipient like ? and status = 'SENT'")
                    .param("lanes-%-" + tag + "@notify.test").query(Integer.class).single()).isEqualTo(count));
            await().atMost(WAIT).until(() -> nodes.stream().allMatch(n -> n.lane(Channel.EMAIL).running() == 0));
        } finally {
            nodes.forEach(OutboxRelay::stop);
        }

        assertThat(sends.keySet().stream().filter(r -> r.contains(tag))).hasSize(count);
        assertThat(sends.entrySet().stream().filter(e -> e.getKey().contains(tag)))
                .allSatisfy(e -> assertThat(e.getValue().get()).as(e.getKey()).isEqualTo(1));
    }

    @Test
    void renderWhenDisplayNameHoldsMarkupThenHtmlEscapesIt() throws Exception {
        String to = recipient("xss");
        String name = "<script>alert(1)</script>";
        tx.executeWithoutResult(s -> notifier.send(EmailMessage.of(to, "factor-enabled", Map.of(
                "displayName", name, "method", "Authenticator app", "when", clock.instant(), "ip", "203.0.113.7",
                "browser", "<img src=x onerror=alert(2)>"))));

        relay.poll();
        MimeMessage mail = awaitOne(to);

        String html = (String) ((MimeMultipart) mail.getContent()).getBodyPart(1).getContent();
        assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(2)&gt;")
                .doesNotContain("<script", "<img");
        String text = (String) ((MimeMultipart) mail.getContent()).getBodyPart(0).getContent();
        assertThat(text).contains("Hello " + name + ",");
    }

    @Test
    void renderWhenNameInSubjectHoldsMarkupOrLineBreaksThenSubjectIsOneLiteralLine() {
        MailRenderer.RenderedEmail email = renderer.render(EmailMessage.of("x@notify.test", "invitation", Map.of(
                "inviterName", "Eve <b>&amp;</b>\r\nBcc: victim@example.com", "accountName", "Acme & Co",
                "role", "a member", "link", "http://localhost:8080/invite/abc", "validDays", 7L)));

        assertThat(email.subject())
                .isEqualTo("Eve <b>&amp;</b> Bcc: victim@example.com invited you to join Acme & Co on Gatehouse");
        assertThat(email.html()).contains("Eve &lt;b&gt;&amp;amp;&lt;/b&gt;").doesNotContain("<b>&amp;</b>");
    }

    @Test
    void renderWhenEveryCallerTemplateThenSubjectTextAndHtmlComplete() {
        Instant now = clock.instant();
        Map<String, Map<String, Object>> templates = Map.of(
                "signup-confirm", Map.of("link", "http://localhost:8080/signup/confirm/t", "validHours", 24L),
                "signup-existing", Map.of("displayName", "Ada", "signinLink", "http://localhost:8080/signin"),
                "invitation", Map.of("inviterName", "Ada", "accountName", "Acme", "role", "an admin",
                        "link", "http://localhost:8080/invite/t", "validDays", 7L),
                "password-changed", Map.of("displayName", "Ada", "when", now, "ip", "", "browser", "Unknown browser"),
                "factor-enabled", Map.of("displayName", "Ada", "method", "Authenticator app", "when", now,
                        "ip", "203.0.113.7", "browser", "Firefox on Windows"),
                "factor-disabled", Map.of("displayName", "Ada", "method", "Authenticator app", "when", now,
                        "ip", "203.0.113.7", "browser", "Firefox on Windows"),
                "code-entry-locked", Map.of("displayName", "Ada", "until", now.plusSeconds(300), "minutes", 5L));

        templates.forEach((template, variables) -> {
            MailRenderer.RenderedEmail email = renderer.render(EmailMessage.of("x@notify.test", template, variables));
            assertThat(email.subject()).as(template).isNotBlank().doesNotContain("${", "\n");
            assertThat(email.text()).as(template).contains("Gatehouse").doesNotContain("[(", "[#", "${", "th:");
            assertThat(email.html()).as(template).contains("Gatehouse").doesNotContain("${", " th:", "xmlns:th", "<script");
            variables.values().stream().filter(String.class::isInstance).map(String.class::cast)
                    .filter(v -> !v.isEmpty())
                    .forEach(v -> assertThat(email.text()).as(template + " text shows " + v).contains(v));
        });
        assertThat(renderer.render(EmailMessage.of("x@notify.test", "password-changed", templates.get("password-changed")))
                .text()).doesNotContain("IP address:");
    }

    @Test
    void deleteOldWhenFinalRowsPastRetentionThenDeletedAndPendingOnesKept() {
        String sent = recipient("old-sent");
        String expired = recipient("old-expired");
        String owed = recipient("old-owed");
        String recent = recipient("recent-sent");
        Instant now = clock.instant();
        Instant eightDaysAgo = now.minus(Duration.ofDays(8));
        // Rows as the relay leaves them (inserted directly, so no delivery races the test).
        outboxRow(sent, "SENT", eightDaysAgo, now);
        outboxRow(expired, "EXPIRED", eightDaysAgo, now);
        outboxRow(owed, "PENDING", eightDaysAgo, now.plus(Duration.ofDays(1))); // SMTP down all week: still owed
        outboxRow(recent, "SENT", now.minus(Duration.ofDays(6)), now);

        assertThat(relay.deleteOld()).isGreaterThanOrEqualTo(2);

        assertThat(rows(sent)).isZero();
        assertThat(rows(expired)).isZero();
        assertThat(rows(owed)).isEqualTo(1);
        assertThat(rows(recent)).isEqualTo(1);
    }

    private void outboxRow(String to, String status, Instant createdAt, Instant nextAttempt) {
        jdbc.sql("""
                insert into outbox (id, channel, recipient, subject, text_body, html_body, created_at, attempts,
                                    next_attempt_at, status)
                values (?, 'EMAIL', ?, 'Subject', '', '', ?, 0, ?, ?)""")
                .params(java.util.UUID.randomUUID(), to, java.sql.Timestamp.from(createdAt),
                        java.sql.Timestamp.from(nextAttempt), status)
                .update();
    }

    private long rows(String recipient) {
        return jdbc.sql("select count(*) from outbox where recipient = ?").param(recipient).query(Long.class).single();
    }

    @Test
    void backoffWhenAttemptsGrowThenDoublesUpToMax() {
        OutboxProperties p = new OutboxProperties(Duration.ofSeconds(1), Duration.ofSeconds(10),
                Duration.ofMinutes(10), 10, Duration.ofMinutes(1), Duration.ofDays(7), 2);

        assertThat(List.of(1, 2, 3, 4, 6, 7, 50).stream().map(p::backoff)).containsExactly(
                Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(40), Duration.ofSeconds(80),
                Duration.ofSeconds(320), Duration.ofMinutes(10), Duration.ofMinutes(10));
    }

    // --- helpers

    private static int pollMany(OutboxRelay node, CountDownLatch start) throws InterruptedException {
        start.await();
        int handled = 0;
        for (int i = 0; i < 40; i++) {
            handled += node.poll();
        }
        return handled;
    }

    private void queue(String to, Instant notAfter) {
        tx.executeWithoutResult(s -> notifier.send(message(to, notAfter)));
    }

    private EmailMessage message(String to, Instant notAfter) {
        return new EmailMessage(to, "signup-existing", Map.of("displayName", "Ada",
                "signinLink", "http://localhost:8080/signin"), notAfter);
    }

    private static String recipient(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8) + "@notify.test";
    }

    record Row(String status, int attempts, String lastError, Instant nextAttemptAt, Instant sentAt, String textBody,
               String htmlBody) {
    }

    private Row row(String to) {
        return jdbc.sql("""
                select status, attempts, last_error, next_attempt_at, sent_at, text_body, html_body
                from outbox where recipient = ?""")
                .param(to)
                .query((rs, n) -> new Row(rs.getString("status"), rs.getInt("attempts"), rs.getString("last_error"),
                        dev.gatehouse.system.Db.instant(rs, "next_attempt_at"),
                        dev.gatehouse.system.Db.instant(rs, "sent_at"), rs.getString("text_body"),
                        rs.getString("html_body")))
                .single();
    }

    private MimeMessage awaitOne(String to) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(received(to)).hasSize(1));
        return received(to).get(0);
    }

    private static List<MimeMessage> received(String to) {
        if (!SMTP.isRunning()) {
            return List.of();
        }
        return Arrays.stream(SMTP.getReceivedMessages()).filter(m -> sentTo(m, to)).toList();
    }

    private static boolean sentTo(MimeMessage message, String to) {
        try {
            Address[] recipients = message.getRecipients(Message.RecipientType.TO);
            return recipients != null && Arrays.stream(recipients).anyMatch(a -> a.toString().equals(to));
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

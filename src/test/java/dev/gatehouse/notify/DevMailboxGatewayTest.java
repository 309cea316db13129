package dev.gatehouse.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

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
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.system.Times;
import dev.gatehouse.system.GatehouseProperties;
import dev.gatehouse.testsupport.MutableClock;

/** The trial gateway: messages land in the dev mailbox table instead of leaving the machine. */
@SpringBootTest(classes = DevMailboxGatewayTest.NotifyOnly.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
                "gatehouse.mail.gateway=dev-mailbox",
                "spring.datasource.url=jdbc:h2:mem:notify-devmailbox;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                        + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
                "management.server.port=0",
                "server.port=0"})
@org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
class DevMailboxGatewayTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

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
    @Autowired DevMailbox mailbox;
    @Autowired MailGateway gateway;
    @Autowired TransactionTemplate tx;
    @Autowired JdbcClient jdbc;

    @Test
    void deliverWhenInTheDevMailboxThenTheLogNamesOnlyTheDomainAndTheLink(
            org.springframework.boot.test.system.CapturedOutput output) {
        String local = "grace-" + UUID.randomUUID().toString().substring(0, 8);
        tx.executeWithoutResult(s -> notifier.send(EmailMessage.of(local + "@example.org", "signup-existing",
                Map.of("displayName", "Grace", "signinLink", "http://localhost:8080/signin"))));

        await().atMost(WAIT).untilAsserted(() -> assertThat(output).contains("is in the dev mailbox"));
        assertThat(output).contains("example.org").doesNotContain(local);
    }

    @Test
    void relayWhenDevMailboxGatewayThenMessageReadableNewestFirst() {
        String to = "ada-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        tx.executeWithoutResult(s -> notifier.send(EmailMessage.of(to, "signup-existing",
                Map.of("displayName", "Ada", "signinLink", "http://localhost:8080/signin"))));
        tx.executeWithoutResult(s -> notifier.send(EmailMessage.of(to, "password-changed", Map.of(
                "displayName", "Ada", "when", Instant.parse("2026-11-23T14:05:00Z"), "ip", "", "browser", ""))));

        await().atMost(WAIT).untilAsserted(() -> assertThat(mailbox.recentTo(to, 10)).hasSize(2));

        assertThat(gateway).isInstanceOf(DevMailboxGateway.class);
        DevMailMessage latest = mailbox.latestTo(to.toUpperCase()).orElseThrow();
        assertThat(latest.channel()).isEqualTo("EMAIL");
        assertThat(latest.recipient()).isEqualTo(to);
        assertThat(latest.subject()).isNotBlank();
        assertThat(latest.textBody()).contains("Hello Ada,");
        assertThat(latest.htmlBody()).contains("<title>");
        assertThat(mailbox.find(latest.id())).contains(latest);
        assertThat(mailbox.recent(100)).extracting(DevMailMessage::recipient).contains(to);
        assertThat(jdbc.sql("select count(*) from outbox where recipient = ? and status = 'SENT'").param(to)
                .query(Integer.class).single()).isEqualTo(2);
    }

    @Test
    void deliverWhenSameMessageTwiceThenOneMailboxEntry() {
        OutboundMessage message = new OutboundMessage(UUID.randomUUID(), Channel.EMAIL, "twice@example.com",
                "Subject", "text", "<p>html</p>");

        assertThat(gateway.deliver(message)).isInstanceOf(Delivery.Delivered.class);
        assertThat(gateway.deliver(message)).isInstanceOf(Delivery.Delivered.class);

        assertThat(jdbc.sql("select count(*) from dev_mailbox where id = ?").param(message.id())
                .query(Integer.class).single()).isEqualTo(1);
    }

    @Test
    void outboundMessageWhenPrintedThenNoBodies() {
        OutboundMessage message = new OutboundMessage(UUID.randomUUID(), Channel.EMAIL, "ada@example.com",
                "Your code", "code 123456", "<p>code 123456</p>");

        assertThat(message.toString()).contains("example.com").doesNotContain("123456", "ada@", "Your code");
    }
}

package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;

import dev.gatehouse.testsupport.H2Test;
import dev.gatehouse.testsupport.WebSession;
import dev.gatehouse.testsupport.WebSession.Page;

/**
 * Gatehouse's own metrics as Prometheus scrapes them from the management port: sign-ins by outcome and method, code
 * checks, lockouts, the outbox backlog and Argon2 time; no label that names a user, an address or a client; and every
 * metric the Grafana dashboard in deploy/grafana queries is in the scrape.
 */
@H2Test
class MetricsFlowOnH2Test extends TwoFactorFlowSupport {

    /** One sample line: name, labels, value. */
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    @LocalManagementPort
    int managementPort;

    String scrape() {
        Page page = new WebSession(managementPort).get("/actuator/prometheus");
        assertThat(page.status()).isEqualTo(200);
        return page.body();
    }

    /** The value of the sample {@code name} whose labels include {@code labels}; 0 when there is none. */
    static double value(String scrape, String name, Map<String, String> labels) {
        double total = 0;
        for (String line : scrape.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (m.matches() && m.group(1).equals(name) && labels(m.group(2)).entrySet().containsAll(labels.entrySet())) {
                total += Double.parseDouble(m.group(3));
            }
        }
        return total;
    }

    static Map<String, String> labels(String braces) {
        Map<String, String> labels = new java.util.HashMap<>();
        if (braces != null) {
            Matcher m = LABEL.matcher(braces);
            while (m.find()) {
                labels.put(m.group(1), m.group(2));
            }
        }
        return labels;
    }

    @Test
    void signInWhenPasswordThenAppCodeThenEachStepCountedByOutcomeAndMethod() {
        TwoFactorUser ada = twoFactorUser("metrics-ada");
        String before = scrape();

        signIn(browser(), ada.email(), "not the password");
        WebSession web = passwordStep(ada);
        nextStep();
        web.get("/signin/verify");
        web.post("/signin/verify", Map.of("code", ada.app().wrongCode(clock().instant())));
        assertThat(code(web, ada, false).location()).isEqualTo("/settings/security");
        String after = scrape();

        Map<Map<String, String>, Double> expected = Map.of(
                Map.of("step", "password", "outcome", "rejected", "method", "password", "amr", "pwd"), 1.0,
                Map.of("step", "password", "outcome", "second_factor_required", "method", "password"), 1.0,
                Map.of("step", "second_factor", "outcome", "wrong_code", "method", "totp", "amr", "otp"), 1.0,
                Map.of("step", "second_factor", "outcome", "signed_in", "method", "totp", "amr", "otp"), 1.0);
        expected.forEach((labels, delta) -> assertThat(value(after, "gatehouse_signin_total", labels)
                - value(before, "gatehouse_signin_total", labels)).as(labels.toString()).isEqualTo(delta));
        assertThat(delta(before, after, "gatehouse_code_checks_total", Map.of("outcome", "wrong", "method", "totp")))
                .isEqualTo(1);
        assertThat(delta(before, after, "gatehouse_code_checks_total", Map.of("outcome", "accepted", "method", "totp")))
                .isEqualTo(1);
        assertThat(delta(before, after, "gatehouse_password_hash_seconds_count", Map.of("operation", "verify")))
                .as("two password checks").isEqualTo(2);
    }

    @Test
    void codesWhenSixWrongInARowThenOneCodeEntryLockoutCounted() {
        TwoFactorUser bob = twoFactorUser("metrics-bob");
        String before = scrape();
        WebSession web = passwordStep(bob);
        for (int i = 0; i < 6; i++) {
            nextStep();
            web.get("/signin/verify");
            web.post("/signin/verify", Map.of("code", bob.app().wrongCode(clock().instant())));
        }
        nextStep();
        web.post("/signin/verify", Map.of("code", bob.app().code(clock().instant())));
        String after = scrape();

        assertThat(delta(before, after, "gatehouse_lockouts_total", Map.of("kind", "code_entry"))).isEqualTo(1);
        assertThat(delta(before, after, "gatehouse_code_checks_total", Map.of("outcome", "locked")))
                .as("the right code, refused while locked").isEqualTo(1);
        assertThat(delta(before, after, "gatehouse_signin_total", Map.of("outcome", "wrong_code", "method", "totp")))
                .isEqualTo(5);
        assertThat(delta(before, after, "gatehouse_signin_total", Map.of("outcome", "locked", "method", "totp")))
                .as("the sixth wrong code (it placed the lock) and the right one after it").isEqualTo(2);
    }

    @Test
    void outboxWhenMessagesWaitThenDepthAndOldestAgePerChannel() throws InterruptedException {
        Instant now = clock().instant();
        UUID[] ids = {UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID()};
        try {
            // Due far in the future, so the relay leaves them alone while the gauges are read.
            waiting(ids[0], "EMAIL", now.minus(Duration.ofMinutes(3)));
            waiting(ids[1], "EMAIL", now.minus(Duration.ofMinutes(1)));
            waiting(ids[2], "SMS", now.minus(Duration.ofSeconds(30)));
            String scrape = scrapeUntil(s -> value(s, "gatehouse_outbox_depth", Map.of("channel", "sms")) >= 1);

            assertThat(value(scrape, "gatehouse_outbox_depth", Map.of("channel", "email"))).isGreaterThanOrEqualTo(2);
            assertThat(value(scrape, "gatehouse_outbox_depth", Map.of("channel", "sms"))).isGreaterThanOrEqualTo(1);
            assertThat(value(scrape, "gatehouse_outbox_oldest_age_seconds", Map.of("channel", "email")))
                    .isGreaterThanOrEqualTo(180);
            assertThat(value(scrape, "gatehouse_outbox_oldest_age_seconds", Map.of("channel", "sms")))
                    .isGreaterThanOrEqualTo(30);
        } finally {
            for (UUID id : ids) {
                jdbc().sql("delete from outbox where id = ?").param(id).update();
            }
        }
    }

    /**
     * Cardinality is an attack surface: a label value a client chooses (an address, an id, a path) makes a new series
     * in every node's memory and in Prometheus. Nothing a user or an attacker sends may become a label.
     */
    @Test
    void scrapeWhenUsersSignInAndProbeRandomPathsThenNoLabelNamesAUserAnAddressOrAPath() {
        TwoFactorUser eve = twoFactorUser("metrics-eve");
        code(passwordStep(eve), eve, false);
        String probe = "probe" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 3; i++) {
            browser().get("/" + probe + i);
            browser().get("/settings/" + eve.id() + "/" + probe);
        }
        signIn(browser(), "nobody-" + probe + "@example.com", "wrong password");

        String scrape = scrape();

        assertThat(scrape).doesNotContain(eve.email()).doesNotContain(eve.id().toString()).doesNotContain(probe)
                .doesNotContain("@example.com");
        Set<String> labelNames = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (m.matches() && m.group(1).startsWith("gatehouse_")) {
                Map<String, String> labels = labels(m.group(2));
                labelNames.addAll(labels.keySet());
                assertThat(labels.values()).as(line).allSatisfy(v -> assertThat(v)
                        .matches("[a-z_]+|[0-9.+Inf]+"));
            }
        }
        assertThat(labelNames).isSubsetOf("step", "outcome", "method", "amr", "kind", "channel", "operation", "le");
    }

    /** Every metric the dashboard queries is in the scrape (after a sign-in, so the counters exist). */
    @Test
    void dashboardWhenItQueriesMetricsThenEachIsInTheScrape() throws IOException {
        TwoFactorUser fay = twoFactorUser("metrics-fay");
        code(passwordStep(fay), fay, false);
        String scrape = scrape();
        Set<String> scraped = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (m.matches()) {
                scraped.add(m.group(1));
            }
        }

        Set<String> queried = dev.gatehouse.deploy.DashboardTest.metricsQueried(Files.readString(Path.of("deploy/grafana/gatehouse.json")));

        assertThat(queried).isNotEmpty().contains("gatehouse_signin_total", "gatehouse_outbox_depth",
                "gatehouse_password_hash_seconds_bucket");
        assertThat(scraped).containsAll(queried);
    }

    private double delta(String before, String after, String name, Map<String, String> labels) {
        return value(after, name, labels) - value(before, name, labels);
    }

    private void waiting(UUID id, String channel, Instant createdAt) {
        jdbc().sql("""
                insert into outbox (id, channel, recipient, subject, text_body, html_body, created_at, attempts,
                                    next_attempt_at, status)
                values (?, ?, 'metrics@example.org', '', '', '', ?, 0, ?, 'PENDING')""")
                .params(id, channel, Timestamp.from(createdAt), Timestamp.from(createdAt.plus(Duration.ofDays(365))))
                .update();
    }

    /** The gauges reuse one query for a few seconds: scrape until they show what was just written. */
    private String scrapeUntil(java.util.function.Predicate<String> shows) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        String scrape = scrape();
        while (!shows.test(scrape) && System.nanoTime() < deadline) {
            Thread.sleep(250);
            scrape = scrape();
        }
        return scrape;
    }
}

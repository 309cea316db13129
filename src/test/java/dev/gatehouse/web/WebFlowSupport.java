package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.factor.CodeChallenges;
import dev.gatehouse.factor.CodeChallenges.SetupResult;
import dev.gatehouse.factor.CodeChallenges.SetupStart;
import dev.gatehouse.factor.CodeSetup;
import dev.gatehouse.factor.FactorType;
import dev.gatehouse.factor.email.EmailCodeMethod;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.testsupport.SentCodes;
import dev.gatehouse.testsupport.DevMail;
import dev.gatehouse.testsupport.MutableClock;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.testsupport.WebSession;
import dev.gatehouse.testsupport.WebSession.Page;

/**
 * What the HTTP flow suites share. Each suite is an abstract class run twice, by an {@code ...OnH2Test} and an
 * {@code ...OnPostgresTest} subclass; all H2 suites share one server, all PostgreSQL suites another.
 */
abstract class WebFlowSupport {

    static final String PASSWORD = TestUsers.PASSWORD;

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext ctx;

    /** A new browser whose every response is checked for leaks ({@link #clean}). */
    WebSession browser() {
        return new WebSession(port).checkEachResponse(WebFlowSupport::clean);
    }

    JdbcClient jdbc() {
        return ctx.getBean(JdbcClient.class);
    }

    DevMail mail() {
        return new DevMail(ctx);
    }

    TestUsers users() {
        return new TestUsers(ctx);
    }

    MutableClock clock() {
        return ctx.getBean(MutableClock.class);
    }

    SentCodes codes() {
        return new SentCodes(ctx);
    }

    /**
     * Turns on email or text message codes ({@code type}) for {@code user}, with the code from its message; returns
     * where codes go.
     */
    String enroll(TestUsers.Created user, FactorType type) {
        String typed = EmailCodeMethod.TYPE.equals(type) ? user.email()
                : "+447400" + String.format("%06d", ThreadLocalRandom.current().nextInt(1_000_000));
        CodeChallenges challenges = ctx.getBean(CodeChallenges.class);
        CodeSetup setup = ((SetupStart.Started) challenges.startSetup(user.user(), type, typed, null, null,
                ClientInfo.SYSTEM)).setup();
        assertThat(challenges.finishSetup(user.user(), setup, codes().awaitCode(setup.destination(), 1),
                ClientInfo.SYSTEM)).isInstanceOf(SetupResult.Enabled.class);
        return setup.destination();
    }

    List<AuditEventType> auditTypes(UUID userId) {
        return ctx.getBean(AuditLog.class).typesForUser(userId);
    }

    long count(String sql, Object... params) {
        return jdbc().sql(sql).params(params).query(Long.class).single();
    }

    UUID userId(String email) {
        return jdbc().sql("select id from users where email_normalized = lower(?)").param(email)
                .query(UUID.class).single();
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    }

    /** Signs in with the password step only (the user has no second factor); asserts that it worked. */
    WebSession signedIn(String email, String password) {
        WebSession web = browser();
        Page page = signIn(web, email, password);
        assertThat(page.status()).as("sign-in of " + email).isEqualTo(302);
        assertThat(page.location()).isEqualTo("/settings/security");
        return web;
    }

    static Page signIn(WebSession web, String email, String password) {
        web.get("/signin");
        return web.post("/signin", Map.of("email", email, "password", password));
    }

    /** The path of an absolute link from an email (the test server's base URL does not know its random port). */
    static String path(String link) {
        return link.replaceFirst("^https?://[^/]+", "");
    }

    /** The page's text as a reader sees it: the few entities Thymeleaf writes for quotes and ampersands undone. */
    static String text(Page page) {
        return page.body().replace("&#39;", "'").replace("&quot;", "\"").replace("&amp;", "&");
    }

    /** The body with the per-render CSRF token blanked, for comparing two answers. */
    static String withoutCsrf(String body) {
        return body.replaceAll("name=\"_csrf\"\\s+value=\"[^\"]*\"", "name=\"_csrf\" value=\"\"")
                .replaceAll("value=\"[^\"]*\"\\s+name=\"_csrf\"", "value=\"\" name=\"_csrf\"");
    }

    /** Invariant 12: no stack trace, exception, SQL or framework internals ever reach a page. */
    static void clean(Page page) {
        // Random tokens and keys on a page may by chance spell "SQL": look for how SQL leaks, e.g. "SQL [select".
        assertThat(withoutCsrf(page.body())).as("response body (status " + page.status() + ")")
                .doesNotContain("Exception").doesNotContain("SQL [").doesNotContain("SQLState")
                .doesNotContain("org.springframework")
                .doesNotContain("java.lang").doesNotContain("\tat ").doesNotContainIgnoringCase("stack trace");
    }

    static List<String> headers(Page page, String name) {
        return page.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .flatMap(e -> e.getValue().stream()).toList();
    }

    /** Waits until the outbox has nothing left to send, so moving the clock cannot strand a message. */
    void awaitOutboxIdle() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (count("select count(*) from outbox where status = 'PENDING'") > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }
}

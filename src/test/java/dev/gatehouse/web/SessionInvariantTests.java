package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.testsupport.MutableClock;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.testsupport.WebSession;
import dev.gatehouse.testsupport.WebSession.Page;

/** DESIGN.md invariant 7 through HTTP: cookies, headers, CSRF, idle and absolute session lifetime. */
abstract class SessionInvariantTests extends WebFlowSupport {

    @Test
    void sessionCookieWhenIssuedThenHttpOnlyAndSameSiteLax() {
        // The password step is the first thing that needs a session.
        TestUsers.Created user = users().create("cookie");
        WebSession web = browser();
        web.get("/signin");
        Page page = web.post("/signin", Map.of("email", user.email(), "password", PASSWORD));
        List<String> cookies = headers(page, "Set-Cookie").stream().filter(c -> c.startsWith("GATEHOUSE_SESSION=")).toList();
        assertThat(cookies).singleElement().satisfies(cookie -> {
            assertThat(cookie).containsIgnoringCase("; HttpOnly").containsIgnoringCase("; SameSite=Lax")
                    .contains("; Path=/");
        });
        Page form = browser().get("/signin");
        assertThat(headers(form, "Set-Cookie").stream().filter(c -> c.startsWith("GATEHOUSE_FORM=")).toList())
                .singleElement().satisfies(cookie -> assertThat(cookie).containsIgnoringCase("; HttpOnly")
                        .containsIgnoringCase("; SameSite=Lax").contains("; Path=/"));
    }

    @Test
    void signInWhenPasswordRightThenSessionIdChanges() {
        TestUsers.Created user = users().create("rotate");
        WebSession web = browser();
        // A session already on this browser (someone signed in before), whose id the next sign-in must not keep.
        signIn(web, users().create("before").email(), PASSWORD);
        web.post("/signout", Map.of());
        web.get("/settings/security");
        web.get("/signin");
        String before = web.cookie("GATEHOUSE_SESSION");
        assertThat(before).isNotNull();
        Page answer = web.post("/signin", Map.of("email", user.email(), "password", PASSWORD));
        assertThat(answer.status()).isEqualTo(302);
        assertThat(web.cookie("GATEHOUSE_SESSION")).isNotNull().isNotEqualTo(before);
    }

    @Test
    void invariant7_sessionIdChangesAtPasswordOnlyReconfirmation() {
        TestUsers.Created user = users().create("rotate-sudo");
        WebSession web = signedIn(user.email(), PASSWORD);
        web.get("/settings/confirm?next=/settings/security");
        String before = web.cookie("GATEHOUSE_SESSION");
        Page confirmed = web.post("/settings/confirm", Map.of("password", PASSWORD, "next", "/settings/security"));
        assertThat(confirmed.location()).isEqualTo("/settings/security");
        assertThat(web.cookie("GATEHOUSE_SESSION")).isNotNull().isNotEqualTo(before);
        assertThat(web.get("/settings/security").status()).isEqualTo(200);
        WebSession thief = browser();
        thief.cookies().getCookieStore().add(java.net.URI.create("http://localhost:" + port),
                new java.net.HttpCookie("GATEHOUSE_SESSION", before));
        assertThat(thief.get("/settings/security").status()).as("the id before re-confirmation is dead").isEqualTo(302);
    }

    @Test
    void signInAndSignUpPagesWhenViewedWithoutSessionThenNoSessionIsCreated() {
        long before = count("select count(*) from spring_session");
        for (int i = 0; i < 20; i++) {
            WebSession web = browser();
            // A protected page keeps where to return to in a cookie too; second-step pages without a sign-in
            // waiting send to sign in, with a stale session cookie as without one.
            web.cookies().getCookieStore().add(java.net.URI.create("http://localhost:" + port),
                    new java.net.HttpCookie("GATEHOUSE_SESSION", "ended-" + i));
            assertThat(web.get("/settings/security").location()).isEqualTo("/signin");
            for (String step : new String[] {"/signin/verify", "/signin/choose", "/signin/backup-code",
                    "/signin/webauthn"}) {
                assertThat(web.get(step).status()).as(step).isEqualTo(302);
            }
            // Nor the OpenID Connect endpoints' error pages (found by an outside attack in stop 32).
            for (String bad : new String[] {"/oauth2/authorize", "/oauth2/authorize?client_id=nobody-" + i
                    + "&response_type=code&scope=openid&prompt=none", "/connect/logout?client_id=nobody"}) {
                Page refused = web.get(bad);
                assertThat(refused.status()).as(bad).isEqualTo(400);
                assertThat(headers(refused, "Set-Cookie")).as(bad)
                        .noneMatch(c -> c.startsWith("GATEHOUSE_SESSION="));
            }
            Page page = web.get(i % 2 == 0 ? "/signin" : "/signup");
            assertThat(page.status()).isEqualTo(200);
            assertThat(headers(page, "Set-Cookie")).noneMatch(c -> c.startsWith("GATEHOUSE_SESSION="));
            assertThat(web.cookie("GATEHOUSE_FORM")).as("the form token's cookie").isNotNull();
        }
        assertThat(count("select count(*) from spring_session")).isEqualTo(before);

        // The form still works with the token from the cookie, and not without it.
        TestUsers.Created user = users().create("no-session");
        WebSession web = browser();
        web.get("/signin");
        assertThat(web.postRaw("/signin", Map.of("email", user.email(), "password", PASSWORD)).status())
                .isEqualTo(403);
        web.get("/signin");
        assertThat(web.post("/signin", Map.of("email", user.email(), "password", PASSWORD)).location())
                .isEqualTo("/settings/security");
        web.get("/settings/security");
        assertThat(web.cookie("GATEHOUSE_FORM")).as("the session has its own token now").isNull();
    }

    @Test
    void invariant7_formTokenRenewedAtSignIn() {
        TestUsers.Created user = users().create("token");
        WebSession web = browser();
        web.get("/signin");
        String before = web.csrf();
        assertThat(before).isNotNull();
        assertThat(web.post("/signin", Map.of("email", user.email(), "password", PASSWORD)).location())
                .isEqualTo("/settings/security");

        // The token of the signed-out page (which someone who planted that session could know) no longer posts.
        Page withOld = web.postRaw("/signout", Map.of("_csrf", before));
        assertThat(withOld.status()).isEqualTo(403);
        assertThat(web.get("/settings/security").status()).as("still signed in").isEqualTo(200);
        assertThat(web.csrf()).isNotNull().isNotEqualTo(before);
        assertThat(web.post("/signout", Map.of()).location()).startsWith("/signin");
    }

    @Test
    void pageWhenServedThenCspFrameOptionsAndNoSniffHeaders() {
        TestUsers.Created user = users().create("headers");
        WebSession web = signedIn(user.email(), PASSWORD);
        for (Page page : List.of(browser().get("/signin"), browser().get("/signup"), web.get("/settings/security"),
                browser().get("/nothing-here"), web.get("/nothing-here"), browser().postRaw("/signup", Map.of()),
                browser().get("/invite/not-a-real-token"))) {
            assertThat(page.header("Content-Security-Policy")).hasValue(SecurityConfiguration.CSP);
            assertThat(page.header("X-Frame-Options")).hasValue("DENY");
            assertThat(page.header("X-Content-Type-Options")).hasValue("nosniff");
            // Links carry tokens (/signup/confirm/..., /invite/...): no other site may see them as a referrer.
            assertThat(page.header("Referrer-Policy")).hasValue("same-origin");
        }
        assertThat(SecurityConfiguration.CSP).doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
    }

    @Test
    void authenticatedPageWhenServedThenNotStoredByCaches() {
        TestUsers.Created user = users().create("nostore");
        WebSession web = signedIn(user.email(), PASSWORD);
        for (String path : List.of("/settings/security", "/accounts/" + user.accountId() + "/settings")) {
            Page page = web.get(path);
            assertThat(page.status()).as(path).isEqualTo(200);
            assertThat(page.header("Cache-Control")).as(path).hasValueSatisfying(v -> assertThat(v)
                    .contains("no-store").contains("no-cache"));
            assertThat(page.header("Pragma")).hasValue("no-cache");
        }
    }

    @Test
    void postWhenCsrfTokenMissingThenFriendlyRefusalAndNothingChanged() {
        TestUsers.Created user = users().create("nocsrf");
        WebSession web = signedIn(user.email(), PASSWORD);
        web.get("/settings/security");
        String hash = passwordHash(user);

        Page refused = web.postRaw("/settings/password", passwordForm());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body()).contains("This form has expired");
        assertThat(passwordHash(user)).isEqualTo(hash);

        Page signOut = web.postRaw("/signout", Map.of());
        assertThat(signOut.status()).isEqualTo(403);
        assertThat(web.get("/settings/security").status()).as("still signed in").isEqualTo(200);

        String email = unique("nocsrf-signup");
        WebSession stranger = browser();
        Page signUp = stranger.postRaw("/signup", Map.of("displayName", "X", "email", email,
                "password", PASSWORD, "accountName", "X"));
        assertThat(signUp.status()).isEqualTo(403);
        assertThat(signUp.body()).contains("This form has expired");
        assertThat(count("select count(*) from signup_requests where lower(email) = lower(?)", email)).isZero();
    }

    /**
     * Login CSRF: another site's page posts the sign-in form with a form token it planted itself (in the trial over
     * plain http the token's cookie has no {@code __Host-} prefix), to sign the browser in as the attacker. Here the
     * token is real and matches its cookie, so only where the form comes from can refuse it.
     */
    @Test
    void postWhenSentByAnotherSiteThenRefusedEvenWithAValidFormToken() {
        TestUsers.Created mallory = users().create("planted");
        for (Map.Entry<String, String> from : List.of(Map.entry("Sec-Fetch-Site", "cross-site"),
                Map.entry("Sec-Fetch-Site", "same-site"), Map.entry("Origin", "http://evil.example"),
                Map.entry("Origin", "null"))) {
            WebSession victim = browser().header(from.getKey(), from.getValue());

            Page refused = signIn(victim, mallory.email(), PASSWORD);

            assertThat(refused.status()).as(from.toString()).isEqualTo(403);
            assertThat(refused.body()).contains("This form has expired");
            assertThat(victim.get("/settings/security").status()).as("not signed in").isEqualTo(302);
        }
        // From the site itself, as a browser says it, the same form signs in.
        for (Map.Entry<String, String> from : List.of(Map.entry("Sec-Fetch-Site", "same-origin"),
                Map.entry("Origin", "http://localhost:" + port))) {
            WebSession own = browser().header(from.getKey(), from.getValue());
            assertThat(signIn(own, mallory.email(), PASSWORD).location()).as(from.toString())
                    .isEqualTo("/settings/security");
            assertThat(own.get("/settings/security").status()).isEqualTo(200);
        }
    }

    @Test
    void postWhenCsrfTokenForgedThenFriendlyRefusalAndNothingChanged() {
        TestUsers.Created user = users().create("forged");
        WebSession web = signedIn(user.email(), PASSWORD);
        web.get("/settings/security");
        String hash = passwordHash(user);

        Map<String, String> form = new LinkedHashMap<>(passwordForm());
        form.put("_csrf", "forged-" + "A".repeat(40));
        Page refused = web.postRaw("/settings/password", form);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body()).contains("This form has expired");

        // A real token of another session is no good either.
        WebSession attacker = browser();
        attacker.get("/signin");
        form.put("_csrf", attacker.csrf());
        assertThat(web.postRaw("/settings/password", form).status()).isEqualTo(403);
        assertThat(passwordHash(user)).isEqualTo(hash);
    }

    @Test
    void sessionWhenIdleThirtyMinutesThenSignedOut() {
        TestUsers.Created user = users().create("idle");
        WebSession web = signedIn(user.email(), PASSWORD);
        assertThat(web.get("/settings/security").status()).isEqualTo(200);
        String hash = passwordHash(user);
        String principal = user.user().id().toString();
        assertThat(jdbc().sql("select max_inactive_interval from spring_session where principal_name = ?")
                .param(principal).query(Integer.class).single()).isEqualTo(30 * 60);

        // Spring Session measures idleness in real time: age the session's last access by 31 minutes.
        long aged = Duration.ofMinutes(31).toMillis();
        jdbc().sql("""
                update spring_session set last_access_time = last_access_time - ?, expiry_time = expiry_time - ?
                where principal_name = ?""").params(aged, aged, principal).update();

        Page form = web.post("/settings/password", passwordForm());
        assertThat(form.status()).as("a form of the ended session").isEqualTo(403);
        assertThat(form.body()).contains("This form has expired");
        Page page = web.get("/settings/security");
        assertThat(page.status()).isEqualTo(302);
        assertThat(page.location()).isEqualTo("/signin");
        assertThat(passwordHash(user)).isEqualTo(hash);
        assertThat(auditTypes(user.user().id())).containsExactly(AuditEventType.SIGN_IN);
    }

    @Test
    void sessionWhenTwelveHoursOldThenSignedOutHoweverActive() throws InterruptedException {
        TestUsers.Created user = users().create("absolute");
        WebSession web = signedIn(user.email(), PASSWORD);
        MutableClock clock = clock();
        awaitOutboxIdle();
        Instant start = clock.instant();
        try {
            clock.advance(Duration.ofHours(11).plusMinutes(59));
            assertThat(web.get("/settings/security").status()).as("11 h 59 min after sign-in").isEqualTo(200);

            clock.advance(Duration.ofMinutes(1));
            Page ended = web.get("/settings/security");
            assertThat(ended.status()).isEqualTo(302);
            assertThat(ended.location()).isEqualTo("/signin?expired");
            assertThat(web.get("/signin?expired").body()).contains("Your session ended",
                    "your password or sign-in methods were changed");
            assertThat(web.get("/settings/security").location()).as("the session is gone").isEqualTo("/signin");
            assertThat(auditTypes(user.user().id())).containsExactly(AuditEventType.SIGN_IN);
        } finally {
            clock.set(start);
        }
    }

    private static Map<String, String> passwordForm() {
        return Map.of("currentPassword", PASSWORD, "newPassword", "a brand new passphrase",
                "confirmPassword", "a brand new passphrase");
    }

    private String passwordHash(TestUsers.Created user) {
        return jdbc().sql("select password_hash from users where id = ?").param(user.user().id())
                .query(String.class).single();
    }
}

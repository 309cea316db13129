package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.testsupport.WebSession;
import dev.gatehouse.testsupport.WebSession.Page;

/** Password sign-in, sign-out, password change and sign-out everywhere, through HTTP. */
abstract class SignInFlowTests extends WebFlowSupport {

    private static final String NEW_PASSWORD = "purple elephants dance quietly";

    @Test
    void signInWhenRightPasswordThenSecurityPageAndSignOutEndsSession() {
        TestUsers.Created user = users().create("signin");
        WebSession web = browser();
        Page form = web.get("/signin");
        assertThat(form.status()).isEqualTo(200);

        Page answer = web.post("/signin", Map.of("email", user.email(), "password", PASSWORD));
        assertThat(answer.status()).isEqualTo(302);
        assertThat(answer.location()).isEqualTo("/settings/security");
        Page security = web.get("/settings/security");
        assertThat(security.status()).isEqualTo(200);
        assertThat(security.body()).contains(user.email());
        assertThat(web.get("/signin").location()).as("signed in: /signin leads on").isEqualTo("/settings/security");

        Page signedOut = web.post("/signout", Map.of());
        assertThat(signedOut.status()).isEqualTo(302);
        assertThat(signedOut.location()).isEqualTo("/signin?signedOut");
        assertThat(web.get("/signin?signedOut").body()).contains("You have signed out.");
        Page after = web.get("/settings/security");
        assertThat(after.status()).isEqualTo(302);
        assertThat(after.location()).isEqualTo("/signin");

        assertThat(auditTypes(user.user().id())).containsExactly(AuditEventType.SIGN_IN, AuditEventType.SIGN_OUT);
    }

    @Test
    void signInWhenSentFromAPageThenBackThereAndAMalformedLinkIsNeverSaved() {
        TestUsers.Created user = users().create("return");
        WebSession web = browser();
        assertThat(web.get("/settings/confirm?next=/settings/two-factor/app").location()).isEqualTo("/signin");
        assertThat(signIn(web, user.email(), PASSWORD).location())
                .isEqualTo("/settings/confirm?next=/settings/two-factor/app");

        // A link with a broken escape (no Java client sends one, so a raw request) is refused before anything is
        // saved, so it can never become the page to return to after sign-in.
        assertThat(rawGet("/settings/security?x=%zz")).doesNotContain("GATEHOUSE_SESSION").doesNotContain("REDIRECT_URI");
        WebSession other = browser();
        Page answer = signIn(other, user.email(), PASSWORD);
        assertThat(answer.status()).isEqualTo(302);
        assertThat(answer.location()).isEqualTo("/settings/security");
    }

    /** The response head of a GET sent byte for byte as given. */
    private String rawGet(String target) {
        return rawGet(target, "localhost:" + port);
    }

    /** A GET with exactly this Host header (Java's HTTP client will not send another than the one it connects to). */
    private String rawGet(String target, String host) {
        try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: " + host
                    + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String all = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
            return all.substring(0, all.indexOf("\r\n\r\n"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void signInWhenUnknownEmailThenSameAnswerAsWrongPassword() {
        TestUsers.Created user = users().create("enum");
        String unknown = unique("nobody");

        WebSession first = browser();
        Page wrongPassword = signIn(first, user.email(), "not the password at all");
        WebSession second = browser();
        Page unknownEmail = signIn(second, unknown, "not the password at all");

        assertThat(wrongPassword.status()).isEqualTo(unknownEmail.status()).isEqualTo(401);
        // The page keeps what was typed into the email field; apart from that (and the CSRF token) it is the same.
        assertThat(withoutCsrf(wrongPassword.body()).replace(user.email(), "EMAIL"))
                .isEqualTo(withoutCsrf(unknownEmail.body()).replace(unknown, "EMAIL"));
        assertThat(text(wrongPassword)).contains("That email and password don't match");
        assertThat(first.get("/settings/security").status()).isEqualTo(302);
        assertThat(second.get("/settings/security").status()).isEqualTo(302);
        assertThat(auditTypes(user.user().id())).containsExactly(AuditEventType.SIGN_IN_FAILED);
    }

    @Test
    void changePasswordWhenCurrentPasswordWrongThenRejectedAndNothingChanged() {
        assertPasswordChangeRejected("not my password", NEW_PASSWORD, NEW_PASSWORD, "That is not your current password.");
    }

    @Test
    void changePasswordWhenNewPasswordTooShortThenRejectedAndNothingChanged() {
        assertPasswordChangeRejected(PASSWORD, "short", "short", "Use at least 8 characters.");
    }

    @Test
    void changePasswordWhenNewPasswordCommonThenRejectedAndNothingChanged() {
        assertPasswordChangeRejected(PASSWORD, "qwertyuiop", "qwertyuiop", "one of the most common ones");
    }

    @Test
    void changePasswordWhenConfirmationDiffersThenRejectedAndNothingChanged() {
        Page page = assertPasswordChangeRejected(PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "!",
                "The two new passwords are not the same.");
        // Said at the first of the two, where typing starts again (it was said at the second, and focused there).
        assertThat(page.body()).containsPattern("id=\"newPassword\"[^>]*autofocus")
                .contains("id=\"newPassword-error\"").doesNotContain("id=\"confirmPassword-error\"");
    }

    private Page assertPasswordChangeRejected(String current, String proposed, String confirmation, String message) {
        TestUsers.Created user = users().create("pwreject");
        String hash = passwordHash(user);
        WebSession web = signedIn(user.email(), PASSWORD);
        web.get("/settings/security");
        String sessionId = web.cookie("GATEHOUSE_SESSION");

        Page page = web.post("/settings/password", passwordForm(current, proposed, confirmation));
        assertThat(page.status()).isEqualTo(422);
        assertThat(text(page)).contains(message);
        assertThat(page.body()).as("passwords are never sent back into the page")
                .doesNotContain("value=\"" + proposed + "\"").doesNotContain("value=\"" + current + "\"");

        assertThat(passwordHash(user)).isEqualTo(hash);
        assertThat(web.cookie("GATEHOUSE_SESSION")).isEqualTo(sessionId);
        assertThat(web.get("/settings/security").status()).isEqualTo(200);
        signedIn(user.email(), PASSWORD);
        assertThat(auditTypes(user.user().id())).doesNotContain(AuditEventType.PASSWORD_CHANGED);
        return page;
    }

    @Test
    void changePasswordWhenValidThenOtherSessionsEndAndThisOneContinuesWithNewId() {
        TestUsers.Created user = users().create("pwchange");
        WebSession other = signedIn(user.email(), PASSWORD);
        WebSession web = signedIn(user.email(), PASSWORD);
        web.get("/settings/security");
        String before = web.cookie("GATEHOUSE_SESSION");

        Page changed = web.post("/settings/password", passwordForm(PASSWORD, NEW_PASSWORD, NEW_PASSWORD));
        assertThat(changed.status()).isEqualTo(302);
        assertThat(changed.location()).isEqualTo("/settings/security");
        assertThat(web.cookie("GATEHOUSE_SESSION")).as("this session continues under a new id").isNotEqualTo(before);
        Page security = web.get("/settings/security");
        assertThat(security.status()).isEqualTo(200);
        assertThat(security.body()).contains("Your password has been changed.");

        Page otherPage = other.get("/settings/security");
        assertThat(otherPage.status()).as("the other session is signed out").isEqualTo(302);
        assertThat(otherPage.location()).startsWith("/signin");

        assertThat(signIn(browser(), user.email(), PASSWORD).status()).as("old password").isEqualTo(401);
        signedIn(user.email(), NEW_PASSWORD);
        assertThat(mail().await(user.email(), "").text()).isNotBlank();
        assertThat(auditTypes(user.user().id())).containsExactly(AuditEventType.SIGN_IN, AuditEventType.SIGN_IN,
                AuditEventType.PASSWORD_CHANGED, AuditEventType.SIGN_IN_FAILED, AuditEventType.SIGN_IN);
    }

    @Test
    void signOutEverywhereWhenTwoSessionsThenBothEnd() {
        TestUsers.Created user = users().create("everywhere");
        WebSession other = signedIn(user.email(), PASSWORD);
        WebSession web = signedIn(user.email(), PASSWORD);
        web.get("/settings/security");

        Page answer = web.post("/settings/signout-everywhere", Map.of());
        assertThat(answer.status()).isEqualTo(302);
        assertThat(answer.location()).isEqualTo("/signin?signedOutEverywhere");
        assertThat(web.follow(answer).body()).contains("You have been signed out on every device.");

        assertThat(web.get("/settings/security").location()).isEqualTo("/signin");
        assertThat(other.get("/settings/security").location()).isEqualTo("/signin");
        assertThat(count("select count(*) from spring_session where principal_name = ?", user.user().id().toString()))
                .isZero();
        assertThat(auditTypes(user.user().id())).containsExactly(AuditEventType.SIGN_IN, AuditEventType.SIGN_IN,
                AuditEventType.SIGN_OUT_EVERYWHERE);
    }

    private static Map<String, String> passwordForm(String current, String proposed, String confirmation) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("currentPassword", current);
        form.put("newPassword", proposed);
        form.put("confirmPassword", confirmation);
        return form;
    }

    private String passwordHash(TestUsers.Created user) {
        return jdbc().sql("select password_hash from users where id = ?").param(user.user().id())
                .query(String.class).single();
    }

    @Test
    void clientAddressWhenForwardedHeaderFromAnUntrustedPeerThenIgnored() {
        TestUsers.Created ada = users().create("xff");
        WebSession liar = browser().header("X-Forwarded-For", "203.0.113.77");
        assertThat(signIn(liar, ada.email(), "not the password").status()).isEqualTo(401);
        assertThat(jdbc().sql("select ip from audit_events where user_id = ? order by id desc").param(ada.user().id())
                .query(String.class).list().get(0)).isIn("127.0.0.1", "::1");
    }

    @Test
    void redirectsWhenHostHeaderIsForeignThenLocationNeverNamesIt() {
        for (String target : new String[] {"/settings/security", "/", "/signin/verify", "/accounts"}) {
            String head = rawGet(target, "evil.example");
            assertThat(head).as(target).startsWith("HTTP/1.1 302").doesNotContainIgnoringCase("evil.example");
            assertThat(head).as(target).containsPattern("(?im)^Location: /");
        }
    }

    @Test
    void signInWhenSentThereByAPageThenSaysSoAndGoesBackToIt() {
        TestUsers.Created user = users().create("sent-by-page");
        WebSession web = browser();
        assertThat(web.get("/signin").body()).doesNotContain("id=\"continue-to\"")
                .as("messages go to the dev mailbox here, and every page says where").contains("id=\"dev-mailbox-note\"",
                        "href=\"/dev/mailbox\"");
        assertThat(web.get("/settings/activity").location()).isEqualTo("/signin");
        assertThat(text(web.get("/signin"))).contains("Sign in to continue to the page you asked for.");
        assertThat(web.post("/signin", Map.of("email", user.email(), "password", PASSWORD)).location())
                .isEqualTo("/settings/activity");
    }

    @Test
    void signInWhenTheReturnCookieWasTamperedWithThenTheSecurityPageAndNeverAnotherSite() {
        TestUsers.Created user = users().create("tamper");
        for (String forged : new String[] {"!!!not-base64!!!",
                java.util.Base64.getEncoder().encodeToString("https://evil.example/steal".getBytes()),
                java.util.Base64.getEncoder().encodeToString("//evil.example/steal".getBytes()),
                java.util.Base64.getEncoder().encodeToString("/settings/security?x=%zz".getBytes())}) {
            WebSession web = browser();
            web.cookies().getCookieStore().add(java.net.URI.create("http://localhost:" + port),
                    new java.net.HttpCookie("REDIRECT_URI", forged));
            Page form = web.get("/signin");
            assertThat(form.status()).as(forged).isEqualTo(200);
            assertThat(web.post("/signin", Map.of("email", user.email(), "password", PASSWORD)).location())
                    .as(forged).isEqualTo("/settings/security");
        }
    }
}

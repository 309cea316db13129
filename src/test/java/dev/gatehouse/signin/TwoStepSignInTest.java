package dev.gatehouse.signin;

import dev.gatehouse.factor.totp.TotpMethod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.commons.codec.binary.Base32;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.crypto.CryptoProperties;
import dev.gatehouse.crypto.RandomCodes;
import dev.gatehouse.crypto.SecretSealer;
import dev.gatehouse.factor.CodeCheck;
import dev.gatehouse.factor.FactorService;
import dev.gatehouse.factor.FactorType;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.testsupport.AuthenticatorApp;
import dev.gatehouse.testsupport.DevMail;
import dev.gatehouse.testsupport.MutableClock;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.testsupport.WebSession;
import dev.gatehouse.testsupport.WebSession.Page;

/**
 * Issue 3 over HTTP: two-step sign-in with an authenticator app, lockout and re-confirmation, on each database.
 * Every test makes its own users; the shared clock only moves forward.
 */
abstract class TwoStepSignInTest {

    static final String SETUP = "/settings/two-factor/app";
    static final Duration STEP = Duration.ofSeconds(30);

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @Autowired
    MutableClock clock;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AuditLog audit;

    TestUsers users;
    DevMail mail;

    @BeforeEach
    void setUp() {
        users = new TestUsers(context);
        mail = new DevMail(context);
    }

    // --- The flow ---------------------------------------------------------------------------------------------------

    @Test
    void signInWhenAppEnabledThenPasswordAloneIsNotEnoughAndTheCodeSignsIn() {
        TestUsers.Created ada = users.create("ada");
        Enabled enabled = enableApp(ada);
        signOut(enabled.session());
        clock.advance(STEP);

        WebSession s = new WebSession(port);
        s.get("/signin");
        String anonymousId = s.cookie("GATEHOUSE_SESSION");
        Page password = s.post("/signin", Map.of("email", ada.email(), "password", ada.password()));
        assertThat(password.status()).isEqualTo(302);
        assertThat(password.location()).isEqualTo("/signin/verify");
        String pendingId = s.cookie("GATEHOUSE_SESSION");
        assertThat(pendingId).as("new session id after the password").isNotEqualTo(anonymousId);

        Page verify = s.get("/signin/verify");
        assertThat(verify.status()).isEqualTo(200);
        assertThat(verify.body()).contains("name=\"code\"").doesNotContain(ada.email());

        Page done = s.post("/signin/verify", Map.of("code", enabled.app().code(clock.instant())));
        assertThat(done.status()).isEqualTo(302);
        assertThat(done.location()).isEqualTo("/settings/security");
        assertThat(s.cookie("GATEHOUSE_SESSION")).as("new session id after the code").isNotEqualTo(pendingId);
        Page security = s.get("/settings/security");
        assertThat(security.status()).isEqualTo(200);
        assertThat(security.body()).contains(ada.email());
        assertThat(jdbc.sql("select detail from audit_events where user_id = ? and type = 'SIGN_IN' order by id desc")
                .param(ada.user().id()).query(String.class).list().get(0)).isEqualTo("password + TOTP");
    }

    @Test
    void enableWhenCodeFromOathtoolThenOnAndSignInAcceptsOathtoolCodes() {
        TestUsers.Created ada = users.create("oath");
        WebSession s = signInWithPasswordOnly(ada);
        reconfirmWithPassword(s, ada, SETUP);
        AuthenticatorApp app = AuthenticatorApp.fromSetupPage(s.get(SETUP).body());
        assertThat(app.key()).matches("[A-Z2-7]{32}");

        Page enabled = s.post(SETUP, Map.of("code", app.oathtool(clock.instant())));
        // The first method brings backup codes, shown once right after it is on.
        assertThat(enabled.location()).isEqualTo("/settings/backup-codes");
        assertThat(s.get("/settings/backup-codes").body()).contains("Your authenticator app is on");

        clock.advance(STEP);
        WebSession again = passwordStep(ada);
        Page done = again.post("/signin/verify", Map.of("code", app.oathtool(clock.instant())));
        assertThat(done.status()).isEqualTo(302);
        assertThat(done.location()).isEqualTo("/settings/security");
    }

    @Test
    void setupPageWhenShownThenQrCodeAndKeyOfAnOtpauthUriWithTheIssuer() {
        TestUsers.Created ada = users.create("qr");
        WebSession s = signInWithPasswordOnly(ada);
        reconfirmWithPassword(s, ada, SETUP);
        Page setup = s.get(SETUP);
        assertThat(setup.status()).isEqualTo(200);
        assertThat(setup.body()).contains("src=\"data:image/svg+xml;base64,");
        String svg = new String(Base64.getDecoder().decode(
                setup.body().replaceFirst("(?s).*src=\"data:image/svg\\+xml;base64,([^\"]+)\".*", "$1")));
        assertThat(svg).startsWith("<svg");
        assertThat(AuthenticatorApp.fromSetupPage(setup.body()).key()).hasSize(32);
        assertThat(s.get(SETUP).body()).as("reloading keeps the same key")
                .contains(setup.body().replaceFirst("(?s).*id=\"secret-key\"[^>]*>([A-Z2-7 ]+)<.*", "$1"));
    }

    // --- Invariant 1: the second-factor step is bound to the user who passed the password ---------------------------

    @Test
    void invariant1_secondFactorStepIsBoundToPasswordUser() {
        TestUsers.Created victim = users.create("victim");
        Enabled victimApp = enableApp(victim);
        TestUsers.Created mallory = users.create("mallory");
        Enabled malloryApp = enableApp(mallory);
        UUID victimFactor = factorId(victim);
        clock.advance(STEP);

        // Between password and code, every page answers as if signed out.
        WebSession pending = passwordStep(mallory);
        WebSession anonymous = new WebSession(port);
        for (String path : List.of("/settings/security", SETUP, "/settings/confirm?next=" + SETUP,
                "/settings/two-factor/" + victimFactor + "/remove", "/accounts/" + mallory.accountId() + "/settings")) {
            Page asPending = pending.get(path);
            Page asAnonymous = anonymous.get(path);
            assertThat(asPending.status()).as(path).isEqualTo(302).isEqualTo(asAnonymous.status());
            assertThat(asPending.location()).as(path).isEqualTo("/signin").isEqualTo(asAnonymous.location());
        }
        assertThat(pending.get("/").location()).isEqualTo("/signin");
        Page signInPage = pending.get("/signin");
        assertThat(signInPage.status()).isEqualTo(200);
        assertThat(signInPage.body()).contains("name=\"password\"").doesNotContain(mallory.email());
        pending.get("/signin/verify");
        Page post = pending.post("/settings/two-factor/" + victimFactor + "/remove", Map.of());
        assertThat(post.status()).isEqualTo(302);
        assertThat(post.location()).isEqualTo("/signin");
        assertThat(factorId(victim)).isEqualTo(victimFactor);

        // The victim's right code, with the victim's id in every field a client might try, is Mallory's wrong code.
        pending.get("/signin/verify");
        Page victimCode = pending.post("/signin/verify", Map.of("code", victimApp.app().code(clock.instant()),
                "userId", victim.user().id().toString(), "user", victim.user().id().toString(),
                "email", victim.email(), "attemptId", UUID.randomUUID().toString()));
        assertThat(victimCode.status()).isEqualTo(401);
        assertThat(lastUsedStep(victim)).as("the victim's code was not even used").isEqualTo(victimApp.step());

        // Mallory's own right code with the victim's id signs in Mallory, never the victim.
        Page own = pending.post("/signin/verify", Map.of("code", malloryApp.app().code(clock.instant()),
                "userId", victim.user().id().toString(), "email", victim.email()));
        assertThat(own.location()).as("the page last asked for while signed out").isEqualTo("/");
        Page security = pending.get("/settings/security");
        assertThat(security.body()).contains(mallory.email()).doesNotContain(victim.email());

        // Signed in, Mallory still cannot reach the victim's method by its id.
        String victimRemove = "/settings/two-factor/" + victimFactor + "/remove";
        reconfirmWithPassword(pending, mallory, victimRemove);
        assertThat(pending.get(victimRemove).location()).isEqualTo("/settings/security");
        assertThat(pending.post(victimRemove, Map.of()).location()).isEqualTo("/settings/security");
        assertThat(factorId(victim)).isEqualTo(victimFactor);
        assertThat(audit.typesForUser(victim.user().id())).doesNotContain(AuditEventType.SECOND_FACTOR_FAILED,
                AuditEventType.FACTOR_DISABLED).containsOnlyOnce(AuditEventType.SIGN_IN);

        // With no sign-in waiting, the step does nothing.
        WebSession fresh = new WebSession(port);
        fresh.get("/signin");
        Page skipped = fresh.post("/signin/verify", Map.of("code", victimApp.app().code(clock.instant()),
                "userId", victim.user().id().toString()));
        assertThat(skipped.location()).startsWith("/signin?expired");
        assertThat(fresh.get("/settings/security").location()).isEqualTo("/signin");
        assertThat(fresh.get("/signin/verify").location()).startsWith("/signin?expired");
    }

    @Test
    void passwordWhenSessionSignedInAsSomeoneElseThenThatSignInEndsUntilTheSecondFactor() {
        TestUsers.Created ada = users.create("shared-pc");
        TestUsers.Created bob = users.create("bob-app");
        Enabled bobApp = enableApp(bob);
        clock.advance(STEP);
        WebSession s = signInWithPasswordOnly(ada);
        reconfirmWithPassword(s, ada, SETUP);

        Page password = s.post("/signin", Map.of("email", bob.email(), "password", bob.password()));
        assertThat(password.location()).isEqualTo("/signin/verify");
        assertThat(s.get("/settings/security").location()).as("Ada's sign-in ended").isEqualTo("/signin");
        assertThat(s.get(SETUP).location()).isEqualTo("/signin");

        s.get("/signin/verify");
        assertThat(s.post("/signin/verify", Map.of("code", bobApp.app().code(clock.instant()))).location())
                .as("the page last asked for while signed out").isEqualTo(SETUP);
        assertThat(s.get("/settings/security").body()).contains(bob.email()).doesNotContain(ada.email());
        assertThat(s.get(SETUP).location()).as("Ada's re-confirmation does not carry over to Bob")
                .startsWith("/settings/confirm");
    }

    @Test
    void secondFactorWhenPendingSignInOlderThanItsWindowThenStartsOver() {
        TestUsers.Created ada = users.create("slow");
        Enabled enabled = enableApp(ada);
        clock.advance(STEP);
        WebSession s = passwordStep(ada);
        clock.advance(Duration.ofMinutes(10));
        Page late = s.post("/signin/verify", Map.of("code", enabled.app().code(clock.instant())));
        assertThat(late.location()).startsWith("/signin?expired");
        assertThat(s.get("/settings/security").location()).isEqualTo("/signin");
    }

    @Test
    void secondFactorWhenTheOwnerSignsOutEverywhereMeanwhileThenTheWaitingSignInIsGone() {
        TestUsers.Created ada = users.create("phished-out");
        Enabled enabled = enableApp(ada);
        clock.advance(STEP);
        // Someone with a phished password stops at the code step; the owner notices and signs out everywhere.
        WebSession attacker = passwordStep(ada);
        assertThat(enabled.session().get("/settings/security").status()).isEqualTo(200);
        assertThat(enabled.session().post("/settings/signout-everywhere", Map.of()).location())
                .isEqualTo("/signin?signedOutEverywhere");
        clock.advance(STEP);

        // The session is gone from the database, so even its form token is: the post is refused as a stale form.
        Page code = attacker.post("/signin/verify", Map.of("code", enabled.app().code(clock.instant())));
        assertThat(code.status()).isEqualTo(403);
        assertThat(attacker.get("/settings/security").location()).isEqualTo("/signin");
        assertThat(attacker.get("/signin/verify").location()).startsWith("/signin");
        assertThat(lastUsedStep(ada)).as("the code was never even checked").isEqualTo(enabled.step());
    }

    @Test
    void secondFactorWhenThePasswordChangedMeanwhileThenTheWaitingSignInIsVoid() {
        TestUsers.Created ada = users.create("phished-pw");
        Enabled enabled = enableApp(ada);
        clock.advance(STEP);
        WebSession attacker = passwordStep(ada);
        clock.advance(STEP);
        // The owner changes the password (the change itself needs no code: the service is called as the page does).
        assertThat(context.getBean(dev.gatehouse.user.UserService.class).changePassword(ada.user().id(),
                ada.password(), "an entirely new passphrase", new dev.gatehouse.system.ClientInfo("203.0.113.9", "x")))
                .isInstanceOf(dev.gatehouse.user.UserService.PasswordChange.Changed.class);
        clock.advance(STEP);

        Page code = attacker.post("/signin/verify", Map.of("code", enabled.app().code(clock.instant())));
        assertThat(code.location()).startsWith("/signin");
        assertThat(attacker.get("/settings/security").location()).isEqualTo("/signin");
        assertThat(lastUsedStep(ada)).as("the code was never even checked").isEqualTo(enabled.step());
    }

    @Test
    void secondFactorWhenOldFormReplayedAfterSuccessThenRefused() throws java.io.IOException {
        TestUsers.Created ada = users.create("replay");
        Enabled enabled = enableApp(ada);
        clock.advance(STEP);
        WebSession s = passwordStep(ada);
        String oldSessionCookie = s.cookie("GATEHOUSE_SESSION");
        String oldCsrf = s.csrf();
        String code = enabled.app().code(clock.instant());
        Map<String, String> form = Map.of("code", code, "_csrf", oldCsrf);
        assertThat(s.post("/signin/verify", form).location()).isEqualTo("/settings/security");
        int signIns = count(ada, AuditEventType.SIGN_IN);

        // The same browser sends the form again: its form token ended with the sign-in.
        assertThat(s.post("/signin/verify", form).status()).isEqualTo(403);

        // Someone who captured the request replays it with the old session cookie: that session id is gone.
        WebSession thief = new WebSession(port);
        thief.cookies().put(URI.create("http://localhost:" + port + "/"), Map.of("Set-Cookie",
                List.of("GATEHOUSE_SESSION=" + oldSessionCookie + "; Path=/; HttpOnly")));
        Page replayed = thief.postRaw("/signin/verify", form);
        assertThat(replayed.status()).isIn(302, 403);
        if (replayed.status() == 302) {
            assertThat(replayed.location()).startsWith("/signin");
        }
        assertThat(thief.get("/settings/security").location()).isEqualTo("/signin");

        // A new password step with the code already used in this time step: refused, it is a replay.
        WebSession other = passwordStep(ada);
        assertThat(other.post("/signin/verify", Map.of("code", code)).status()).isEqualTo(401);
        assertThat(other.get("/settings/security").location()).isEqualTo("/signin");
        assertThat(count(ada, AuditEventType.SIGN_IN)).isEqualTo(signIns);
    }

    // --- Invariant 3: a time step is accepted once -------------------------------------------------------------------

    @Test
    void invariant3_totpStepAcceptedOncePerUser() {
        TestUsers.Created ada = users.create("steps");
        Enabled enabled = enableApp(ada);
        AuthenticatorApp app = enabled.app();

        WebSession first = passwordStep(ada);
        assertThat(first.post("/signin/verify", Map.of("code", app.code(clock.instant()))).status())
                .as("the setup code's step counts as used").isEqualTo(401);

        clock.advance(STEP);
        String current = app.code(clock.instant());
        assertThat(first.post("/signin/verify", Map.of("code", current)).location()).isEqualTo("/settings/security");

        WebSession second = passwordStep(ada);
        assertThat(second.post("/signin/verify", Map.of("code", current)).status()).as("same code again").isEqualTo(401);
        assertThat(second.post("/signin/verify", Map.of("code", app.code(clock.instant().minus(STEP)))).status())
                .as("an older step, though inside the window").isEqualTo(401);
        assertThat(second.post("/signin/verify", Map.of("code", app.code(clock.instant().plus(STEP)))).location())
                .as("the next step").isEqualTo("/settings/security");
    }

    // --- Invariant 2: lockout ----------------------------------------------------------------------------------------

    @Test
    void invariant2_sixWrongCodesLockCodeEntryAcrossSessionsWithGrowingWaitShown() {
        TestUsers.Created ada = users.create("locked");
        Enabled enabled = enableApp(ada);
        AuthenticatorApp app = enabled.app();
        clock.advance(STEP);

        WebSession a = passwordStep(ada);
        // Another browser at the code step, its form open since before the lock.
        WebSession b = passwordStep(ada);
        for (int i = 1; i <= 5; i++) {
            Page wrong = a.post("/signin/verify", Map.of("code", app.wrongCode(clock.instant())));
            assertThat(wrong.status()).as("wrong code %d", i).isEqualTo(401);
            if (i >= 3) {
                assertThat(wrong.body()).contains((6 - i) + (i == 5 ? " try is left" : " tries are left"));
            }
        }
        Page sixth = a.post("/signin/verify", Map.of("code", app.wrongCode(clock.instant())));
        assertThat(sixth.status()).isEqualTo(429);
        assertThat(sixth.body()).contains("try again in 5 minutes").doesNotContain("name=\"code\"");

        Page right = a.post("/signin/verify", Map.of("code", app.code(clock.instant())));
        assertThat(right.status()).as("even a right code is refused while locked").isEqualTo(429);
        assertThat(right.body()).contains("try again in 5 minutes");
        assertThat(lastUsedStep(ada)).as("the right code was not looked at").isEqualTo(enabled.step());

        Page shown = b.get("/signin/verify");
        assertThat(shown.body()).as("the page says how long, also when just opened").contains("try again in 5 minutes");
        assertThat(b.post("/signin/verify", Map.of("code", app.code(clock.instant()))).status())
                .as("locked for the user, not the session").isEqualTo(429);

        clock.advance(Duration.ofMinutes(2));
        assertThat(b.post("/signin/verify", Map.of("code", app.code(clock.instant()))).body())
                .contains("try again in 3 minutes");

        clock.advance(Duration.ofMinutes(3));
        assertThat(a.post("/signin/verify", Map.of("code", app.wrongCode(clock.instant()))).status())
                .as("after the wait, codes are evaluated again").isEqualTo(401);
        for (int i = 2; i <= 5; i++) {
            a.post("/signin/verify", Map.of("code", app.wrongCode(clock.instant())));
        }
        Page secondLock = a.post("/signin/verify", Map.of("code", app.wrongCode(clock.instant())));
        assertThat(secondLock.status()).isEqualTo(429);
        assertThat(secondLock.body()).contains("try again in 10 minutes");

        clock.advance(Duration.ofMinutes(10));
        WebSession c = passwordStep(ada);
        assertThat(c.post("/signin/verify", Map.of("code", app.code(clock.instant()))).location())
                .as("after the wait the right code signs in").isEqualTo("/settings/security");

        clock.advance(STEP);
        WebSession d = passwordStep(ada);
        for (int i = 1; i <= 5; i++) {
            assertThat(d.post("/signin/verify", Map.of("code", app.wrongCode(clock.instant()))).status()).isEqualTo(401);
        }
        assertThat(d.post("/signin/verify", Map.of("code", app.wrongCode(clock.instant()))).body())
                .as("success reset the growing wait").contains("try again in 5 minutes");
        assertThat(count(ada, AuditEventType.CODE_ENTRY_LOCKED)).isEqualTo(3);
        assertThat(count(ada, AuditEventType.SECOND_FACTOR_FAILED)).isEqualTo(18);
    }

    @Test
    void reconfirmWhenCodeEntryLockedThenConfirmPageSaysHowLongAndRefusesTheRightCode() {
        TestUsers.Created ada = users.create("locked-sudo");
        Enabled enabled = enableApp(ada);
        WebSession s = enabled.session();
        clock.advance(Duration.ofMinutes(16));
        WebSession other = passwordStep(ada);
        for (int i = 0; i < 6; i++) {
            other.post("/signin/verify", Map.of("code", enabled.app().wrongCode(clock.instant())));
        }

        Page form = s.get("/settings/confirm?next=" + SETUP);
        assertThat(form.body()).contains("try again in 5 minutes").doesNotContain("name=\"password\"");
        Page refused = s.post("/settings/confirm", Map.of("password", ada.password(),
                "code", enabled.app().code(clock.instant()), "next", SETUP));
        assertThat(refused.status()).isEqualTo(429);
        assertThat(s.get(SETUP).location()).startsWith("/settings/confirm");

        clock.advance(Duration.ofMinutes(5));
        s.get("/settings/confirm?next=" + SETUP);
        assertThat(s.post("/settings/confirm", Map.of("password", ada.password(),
                "code", enabled.app().code(clock.instant()), "next", SETUP)).location()).isEqualTo(SETUP);
    }

    @Test
    void secondFactorWhenHundredConsecutiveFailuresThenCodeMethodsSuspended() {
        TestUsers.Created ada = users.create("suspended");
        Enabled enabled = enableApp(ada);
        clock.advance(STEP);
        jdbc.sql("update code_attempts set consecutive_failures = 99 where user_id = ?").param(ada.user().id()).update();

        WebSession s = passwordStep(ada);
        Page hundredth = s.post("/signin/verify", Map.of("code", enabled.app().wrongCode(clock.instant())));
        assertThat(hundredth.status()).isEqualTo(403);
        assertThat(hundredth.body()).contains("suspended");
        Page right = s.post("/signin/verify", Map.of("code", enabled.app().code(clock.instant())));
        assertThat(right.status()).isEqualTo(403);
        clock.advance(Duration.ofHours(2));
        WebSession later = passwordStep(ada);
        assertThat(later.post("/signin/verify", Map.of("code", enabled.app().code(clock.instant()))).status())
                .as("suspension does not wear off with time").isEqualTo(403);
        assertThat(count(ada, AuditEventType.CODE_METHODS_SUSPENDED)).isEqualTo(1);
    }

    // --- Invariant 8: re-confirmation ---------------------------------------------------------------------------------

    @Test
    void invariant8_securityChangeRequiresReconfirmation() {
        TestUsers.Created ada = users.create("sudo");
        WebSession s = signInWithPasswordOnly(ada);

        // No method yet: the password alone, and nothing happens before it.
        Page direct = s.post(SETUP, Map.of("code", "123456"));
        assertThat(direct.location()).isEqualTo("/settings/confirm?next=" + SETUP);
        Page form = s.get(direct.location());
        assertThat(form.body()).contains("name=\"password\"").doesNotContain("name=\"code\"");
        Page wrong = s.post("/settings/confirm", Map.of("password", "not my password", "next", SETUP));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.body()).contains("That is not your current password");
        assertThat(s.get(SETUP).location()).startsWith("/settings/confirm");

        Page evil = s.post("/settings/confirm", Map.of("password", ada.password(), "next", "https://evil.example/x"));
        assertThat(evil.location()).as("next is no open redirect").isEqualTo("/settings/security");
        assertThat(s.get(SETUP).status()).as("confirmed").isEqualTo(200);

        clock.advance(Duration.ofMinutes(15));
        assertThat(s.get(SETUP).location()).as("a re-confirmation lasts 15 minutes")
                .isEqualTo("/settings/confirm?next=" + SETUP);
        reconfirmWithPassword(s, ada, SETUP);
        AuthenticatorApp app = AuthenticatorApp.fromSetupPage(s.get(SETUP).body());
        Page enabled = s.post(SETUP, Map.of("code", app.code(clock.instant())));
        assertThat(s.follow(enabled).body()).contains("Your authenticator app is on");
        UUID factor = factorId(ada);
        String remove = "/settings/two-factor/" + factor + "/remove";

        // With a method proved more than 15 minutes ago: the password and a current code.
        clock.advance(Duration.ofMinutes(16));
        Page removal = s.get(remove);
        assertThat(removal.location()).isEqualTo("/settings/confirm?next=" + remove);
        Page codeForm = s.get(removal.location());
        assertThat(codeForm.body()).contains("name=\"password\"").contains("name=\"code\"");
        assertThat(s.post("/settings/confirm", Map.of("password", ada.password(), "next", remove)).status())
                .as("password without code").isEqualTo(401);
        s.get(removal.location());
        assertThat(s.post("/settings/confirm", Map.of("password", "wrong", "code", app.code(clock.instant()),
                "next", remove)).status()).as("code without password").isEqualTo(401);
        assertThat(s.post(remove, Map.of()).location()).as("still not confirmed").startsWith("/settings/confirm");
        assertThat(factorId(ada)).isEqualTo(factor);

        s.get(removal.location());
        Page confirmed = s.post("/settings/confirm", Map.of("password", ada.password(),
                "code", app.code(clock.instant()), "next", remove));
        assertThat(confirmed.location()).isEqualTo(remove);
        Page removePage = s.get(remove);
        assertThat(removePage.status()).isEqualTo(200);
        assertThat(removePage.body()).contains("id=\"remove\"");
        Page removed = s.post(remove, Map.of());
        assertThat(removed.location()).isEqualTo("/settings/security");
        assertThat(s.get("/settings/security").body()).contains("Removed: Authenticator app.");
        assertThat(jdbc.sql("select count(*) from second_factors where user_id = ?").param(ada.user().id())
                .query(Long.class).single()).isZero();
        assertThat(count(ada, AuditEventType.REAUTHENTICATED)).isEqualTo(3);
    }

    @Test
    void removeWhenAccountRequiresTwoFactorAndLastMethodThenRefusedWithTheReason() {
        TestUsers.Created ada = users.create("required");
        Enabled enabled = enableApp(ada);
        jdbc.sql("update accounts set require_two_factor = true where id = ?").param(ada.accountId()).update();
        UUID factor = factorId(ada);
        String remove = "/settings/two-factor/" + factor + "/remove";
        WebSession s = enabled.session();

        Page page = s.get(remove);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("requires two-step verification").doesNotContain("id=\"remove\"");
        Page refused = s.post(remove, Map.of());
        assertThat(refused.location()).isEqualTo("/settings/security");
        assertThat(s.get("/settings/security").body()).contains("requires two-step verification");
        assertThat(factorId(ada)).isEqualTo(factor);
        assertThat(audit.typesForUser(ada.user().id())).doesNotContain(AuditEventType.FACTOR_DISABLED);
    }

    // --- Invariant 6: sealed secrets ------------------------------------------------------------------------------------

    @Test
    void invariant6_secretsSealedOutsideDatabase() {
        TestUsers.Created ada = users.create("sealed");
        Enabled enabled = enableApp(ada);
        TestUsers.Created bob = users.create("bob");
        String key = enabled.app().key();
        byte[] raw = new Base32().decode(key);
        SecretSealer sealer = context.getBean(SecretSealer.class);

        Map<String, Object> row = jdbc.sql("select * from second_factors where user_id = ?").param(ada.user().id())
                .query().singleRow();
        String sealed = (String) row.get("secret_sealed");
        assertThat(sealed).startsWith("v1." + sealer.activeKeyId() + ".");
        for (Object value : row.values()) {
            String text = String.valueOf(value);
            assertThat(text).doesNotContainIgnoringCase(key).doesNotContainIgnoringCase(HexFormat.of().formatHex(raw))
                    .doesNotContain(Base64.getEncoder().encodeToString(raw))
                    .doesNotContain(Base64.getUrlEncoder().withoutPadding().encodeToString(raw));
        }
        for (String table : List.of("audit_events", "outbox", "dev_mailbox")) {
            String column = table.equals("audit_events") ? "detail" : "text_body";
            assertThat(jdbc.sql("select count(*) from " + table + " where upper(" + column + ") like ?")
                    .param("%" + key + "%")
                    .query(Long.class).single()).as(table).isZero();
        }

        assertThat(sealer.open(sealed, "totp:" + ada.user().id())).isEqualTo(raw);
        assertThat(catchThrowable(() -> sealer.open(sealed, "totp:" + bob.user().id())))
                .as("another user's context does not open").isInstanceOf(IllegalStateException.class);
        String tampered = sealed.substring(0, sealed.length() - 2) + (sealed.endsWith("AA") ? "BB" : "AA");
        assertThat(catchThrowable(() -> sealer.open(tampered, "totp:" + ada.user().id())))
                .as("tampering").isInstanceOf(IllegalStateException.class);

        // The database alone opens nothing: a sealer with another key under the same id fails.
        SecretSealer thief = new SecretSealer(new CryptoProperties(sealer.activeKeyId(), Map.of(sealer.activeKeyId(),
                Base64.getEncoder().encodeToString(new byte[32])), null, false));
        assertThat(catchThrowable(() -> thief.open(sealed, "totp:" + ada.user().id())))
                .isInstanceOf(IllegalStateException.class);

        // Rotation: a new active key is added; the value sealed under the old key id still opens.
        CryptoProperties configured = context.getBean(CryptoProperties.class);
        SecretSealer rotated = new SecretSealer(new CryptoProperties("rotated2", Map.of("rotated2",
                Base64.getEncoder().encodeToString(RandomCodes.bytes(32))),
                configured.keyFile(), false));
        assertThat(rotated.open(sealed, "totp:" + ada.user().id())).isEqualTo(raw);
        assertThat(rotated.seal(raw, "totp:" + ada.user().id())).startsWith("v1.rotated2.");

        // Copying the sealed key onto another user's factor does not give that user the key.
        jdbc.sql("""
                insert into second_factors (id, user_id, type, label, secret_sealed, created_at)
                values (?, ?, 'TOTP', 'copied', ?, current_timestamp)""")
                .params(UUID.randomUUID(), bob.user().id(), sealed).update();
        FactorService factors = context.getBean(FactorService.class);
        for (int i = 0; i < 6; i++) {
            assertThat(catchThrowable(() -> factors.checkCode(bob.user().id(),
                    TotpMethod.TYPE, enabled.app().code(clock.instant().plus(STEP)),
                    ClientInfo.SYSTEM))).isInstanceOf(IllegalStateException.class);
        }
        // Attempts that ended in an error still count, and the sixth places a lock that expires.
        assertThat(factors.checkCode(bob.user().id(), TotpMethod.TYPE, "123456",
                ClientInfo.SYSTEM)).isInstanceOfSatisfying(CodeCheck.Locked.class,
                locked -> assertThat(locked.until()).isAfter(clock.instant().plus(Duration.ofMinutes(4))));
        assertThat(jdbc.sql("select locked_until is not null from code_attempts where user_id = ?")
                .param(bob.user().id()).query(Boolean.class).single()).isTrue();
    }

    // --- Invariant 10: audit events and emails --------------------------------------------------------------------------

    @Test
    void invariant10_methodChangeAndLockoutAreAuditedAndEmailed() {
        TestUsers.Created ada = users.create("told");
        Enabled enabled = enableApp(ada);
        DevMail.Message on = mail.await(ada.email(), "method added: Authenticator app");
        assertThat(on.text()).contains("A sign-in method was added").contains("Authenticator app");
        assertThat(enabled.session().get("/settings/security").body()).contains("Authenticator app added");

        clock.advance(STEP);
        WebSession s = passwordStep(ada);
        for (int i = 0; i < 6; i++) {
            s.post("/signin/verify", Map.of("code", enabled.app().wrongCode(clock.instant())));
        }
        DevMail.Message locked = mail.await(ada.email(), "code entry paused");
        assertThat(locked.text()).contains("about 5 minutes");

        clock.advance(Duration.ofMinutes(5));
        WebSession again = passwordStep(ada);
        assertThat(again.post("/signin/verify", Map.of("code", enabled.app().code(clock.instant()))).location())
                .isEqualTo("/settings/security");
        String remove = "/settings/two-factor/" + factorId(ada) + "/remove";
        reconfirmWithPassword(again, ada, remove);
        assertThat(again.post(remove, Map.of()).location()).isEqualTo("/settings/security");
        DevMail.Message off = mail.await(ada.email(), "method removed: Authenticator app");
        assertThat(off.text()).contains("A sign-in method was removed");

        assertThat(audit.typesForUser(ada.user().id())).containsSubsequence(AuditEventType.FACTOR_ENABLED,
                AuditEventType.CODE_ENTRY_LOCKED, AuditEventType.SIGN_IN, AuditEventType.FACTOR_DISABLED);
        // The fourth: the sign-in after the wait came from a browser (a new WebSession) Ada had not used before.
        assertThat(mail.to(ada.email())).extracting(DevMail.Message::subject).hasSize(4)
                .filteredOn(subject -> subject.contains("new sign-in from")).hasSize(1);
        assertThat(mail.to(ada.email())).allSatisfy(m -> assertThat(m.text() + m.html())
                .doesNotContain(enabled.app().key()));
    }

    // --- Helpers ------------------------------------------------------------------------------------------------------

    /** A session with the app just enabled, and the app; the setup code's step is {@code step}. */
    record Enabled(WebSession session, AuthenticatorApp app, long step) {
    }

    Enabled enableApp(TestUsers.Created user) {
        WebSession s = signInWithPasswordOnly(user);
        Page first = s.get(SETUP);
        assertThat(first.status()).isEqualTo(302);
        assertThat(first.location()).isEqualTo("/settings/confirm?next=" + SETUP);
        reconfirmWithPassword(s, user, SETUP);
        Page setup = s.get(SETUP);
        assertThat(setup.status()).isEqualTo(200);
        AuthenticatorApp app = AuthenticatorApp.fromSetupPage(setup.body());
        Page wrong = s.post(SETUP, Map.of("code", app.wrongCode(clock.instant())));
        assertThat(wrong.status()).isEqualTo(422);
        Page done = s.post(SETUP, Map.of("code", app.code(clock.instant())));
        assertThat(done.status()).isEqualTo(302);
        // The first method brings backup codes, shown once right after it is on, until the user says they saved them.
        assertThat(done.location()).isEqualTo("/settings/backup-codes");
        assertThat(s.get("/settings/backup-codes").body()).contains("Your authenticator app is on");
        assertThat(s.post("/settings/backup-codes/saved", Map.of("saved", "true")).location())
                .isEqualTo("/settings/security");
        assertThat(s.get("/settings/security").body()).contains("Your backup codes are saved");
        return new Enabled(s, app, Math.floorDiv(clock.instant().getEpochSecond(), 30));
    }

    void reconfirmWithPassword(WebSession s, TestUsers.Created user, String next) {
        Page form = s.get("/settings/confirm?next=" + next);
        if (form.status() == 302) {
            return;
        }
        assertThat(form.body()).doesNotContain("name=\"code\"");
        Page confirmed = s.post("/settings/confirm", Map.of("password", user.password(), "next", next));
        assertThat(confirmed.status()).isEqualTo(302);
        assertThat(confirmed.location()).isEqualTo(next);
    }

    WebSession signInWithPasswordOnly(TestUsers.Created user) {
        WebSession s = new WebSession(port);
        s.get("/signin");
        Page page = s.post("/signin", Map.of("email", user.email(), "password", user.password()));
        assertThat(page.location()).isEqualTo("/settings/security");
        s.get("/settings/security"); // where the browser goes next, with the signed-in session's form token
        return s;
    }

    /** A new session that passed the password and shows the code form. */
    WebSession passwordStep(TestUsers.Created user) {
        WebSession s = new WebSession(port);
        s.get("/signin");
        Page page = s.post("/signin", Map.of("email", user.email(), "password", user.password()));
        assertThat(page.location()).isEqualTo("/signin/verify");
        s.get("/signin/verify");
        return s;
    }

    void signOut(WebSession s) {
        s.get("/settings/security");
        assertThat(s.post("/signout", Map.of()).location()).startsWith("/signin");
        assertThat(s.get("/settings/security").location()).isEqualTo("/signin");
    }

    UUID factorId(TestUsers.Created user) {
        return jdbc.sql("select id from second_factors where user_id = ?").param(user.user().id())
                .query(UUID.class).single();
    }

    Long lastUsedStep(TestUsers.Created user) {
        return jdbc.sql("select last_used_step from second_factors where user_id = ?").param(user.user().id())
                .query(Long.class).single();
    }

    int count(TestUsers.Created user, AuditEventType type) {
        return (int) audit.typesForUser(user.user().id()).stream().filter(type::equals).count();
    }
}

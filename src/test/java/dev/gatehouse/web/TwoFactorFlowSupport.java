package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.gatehouse.testsupport.AuthenticatorApp;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.testsupport.WebSession;
import dev.gatehouse.testsupport.WebSession.Page;

/** What the suites about the second step share: a user with the app on (and their backup codes), and the steps. */
abstract class TwoFactorFlowSupport extends WebFlowSupport {

    static final String SETUP = "/settings/two-factor/app";
    static final String DEVICE_COOKIE = "GATEHOUSE_DEVICE";

    /** A user with the authenticator app on, and the backup codes it brought. */
    record TwoFactorUser(TestUsers.Created user, AuthenticatorApp app, List<String> backupCodes) {
        String email() {
            return user.email();
        }

        UUID id() {
            return user.user().id();
        }
    }

    /** Turns the app on through the pages, as a person would, and keeps the backup codes it shows. */
    TwoFactorUser twoFactorUser(String name) {
        TestUsers.Created user = users().create(name);
        WebSession s = signedIn(user.email(), PASSWORD);
        s.get("/settings/confirm?next=" + SETUP);
        assertThat(s.post("/settings/confirm", Map.of("password", PASSWORD, "next", SETUP)).location())
                .isEqualTo(SETUP);
        AuthenticatorApp app = AuthenticatorApp.fromSetupPage(s.get(SETUP).body());
        assertThat(s.post(SETUP, Map.of("code", app.code(clock().instant()))).location())
                .isEqualTo("/settings/backup-codes");
        List<String> codes = BackupCodesFlowTests.codesIn(s.get("/settings/backup-codes").body());
        assertThat(codes).hasSize(10);
        assertThat(s.post("/settings/backup-codes/saved", Map.of("saved", "true")).location())
                .isEqualTo("/settings/security");
        nextStep();
        return new TwoFactorUser(user, app, codes);
    }

    /** Every code a test types comes from a fresh time step: a step is accepted once per user. */
    void nextStep() {
        clock().advance(Duration.ofSeconds(30));
    }

    /** A new browser that passed the password and waits for the second step; asserts it was asked for one. */
    WebSession passwordStep(TwoFactorUser user) {
        return passwordStep(browser(), user);
    }

    WebSession passwordStep(WebSession web, TwoFactorUser user) {
        assertThat(signIn(web, user.email(), PASSWORD).location()).isEqualTo("/signin/verify");
        web.get("/signin/verify");
        return web;
    }

    Page code(WebSession web, TwoFactorUser user, boolean remember) {
        nextStep();
        web.get("/signin/verify"); // the form a browser would show, with this step's form token
        return web.post("/signin/verify", remember
                ? Map.of("code", user.app().code(clock().instant()), "remember", "true")
                : Map.of("code", user.app().code(clock().instant())));
    }

    Page backupCode(WebSession web, String code) {
        web.get("/signin/backup-code");
        return web.post("/signin/backup-code", Map.of("code", code));
    }

    String signInDetail(UUID userId) {
        return jdbc().sql("select detail from audit_events where user_id = ? and type = 'SIGN_IN' order by id desc")
                .param(userId).query(String.class).list().get(0);
    }
}

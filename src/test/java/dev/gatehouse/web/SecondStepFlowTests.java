package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.HttpCookie;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.testsupport.Race;
import dev.gatehouse.testsupport.AuthenticatorApp;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.testsupport.WebSession;
import dev.gatehouse.testsupport.WebSession.Page;

/**
 * The second sign-in step beyond the primary method, through HTTP: "Try another way", backup codes, "Remember this
 * device" and its revocation (DESIGN.md invariants 5 and 9), and the attempts to get around them.
 */
abstract class SecondStepFlowTests extends TwoFactorFlowSupport {

    // --- "Try another way" and backup codes ---------------------------------------------------------------------------

    /**
     * Wrong codes in a row are one row of the Security page's recent activity, saying how many: six of them were six
     * of its ten rows (noticed by stop 35's walk-through).
     */
    @Test
    void securityPageWhenWrongCodesInARowThenOneActivityRowSaysHowMany() {
        TwoFactorUser ada = twoFactorUser("activity-run");
        WebSession web = passwordStep(browser(), ada);
        String wrong = ada.app().code(clock().instant()).equals("000000") ? "111111" : "000000";
        for (int i = 0; i < 3; i++) {
            web.get("/signin/verify");
            assertThat(web.post("/signin/verify", Map.of("code", wrong)).status()).isEqualTo(401);
        }
        assertThat(code(web, ada, false).location()).isEqualTo("/settings/security");
        String activity = web.get("/settings/security").body();
        assertThat(activity).containsOnlyOnce("Wrong verification code").containsPattern("\\(3 times since \\d{2}:\\d{2}[^)]*\\)");
        // When the app was added and last used, one sentence that wraps as words (a "· last used" began a line).
        assertThat(activity).containsPattern("Added \\d{1,2} \\w{3} \\d{4}, last used \\d{1,2} \\w{3} \\d{4}")
                .doesNotContain("· last used");
    }

    @Test
    void backupCodeWhenChosenUnderTryAnotherWayThenSignsInOnceAndTheCountDrops() {
        TwoFactorUser ada = twoFactorUser("backup");
        WebSession web = passwordStep(ada);
        Page verify = web.get("/signin/verify");
        clean(verify);
        assertThat(verify.body()).contains("href=\"/signin/choose\"", "name=\"remember\"");

        Page choose = web.get("/signin/choose");
        clean(choose);
        assertThat(choose.status()).isEqualTo(200);
        assertThat(text(choose)).contains("Choose how to verify", "Authenticator app", "Use a backup code",
                "10 codes left", "Can't use any of these?").doesNotContain(ada.email());
        assertThat(choose.body()).contains("href=\"/signin/verify?method=TOTP\"", "href=\"/signin/backup-code\"");

        Page form = web.get("/signin/backup-code");
        clean(form);
        assertThat(form.body()).contains("name=\"code\"", "autocomplete=\"off\"");
        // Any case, with or without the dash.
        String typed = ada.backupCodes().get(3).toLowerCase().replace("-", "");
        Page done = web.post("/signin/backup-code", Map.of("code", typed));
        assertThat(done.location()).isEqualTo("/settings/security");
        Page security = web.get("/settings/security");
        assertThat(text(security)).contains("You used a backup code. 9 are left.", "9 of 10 codes left",
                "Signed in with a backup code");
        assertThat(signInDetail(ada.id())).isEqualTo("password + backup code");

        WebSession again = passwordStep(ada);
        Page reused = backupCode(again, ada.backupCodes().get(3));
        assertThat(reused.status()).isEqualTo(401);
        assertThat(text(reused)).contains("That code didn't work. It may be mistyped, or already used.");
        assertThat(again.get("/settings/security").location()).isEqualTo("/signin");
        assertThat(auditTypes(ada.id())).containsSubsequence(AuditEventType.BACKUP_CODE_USED, AuditEventType.SIGN_IN,
                AuditEventType.SECOND_FACTOR_FAILED);
    }

    @Test
    void backupCodeWhenAnotherUsersCodeThenRefusedAndCountedLikeAWrongCode() {
        TwoFactorUser ada = twoFactorUser("victim");
        TwoFactorUser mallory = twoFactorUser("mallory");
        WebSession web = passwordStep(mallory);
        for (int i = 0; i < 3; i++) {
            Page refused = backupCode(web, ada.backupCodes().get(i));
            assertThat(refused.status()).isEqualTo(401);
        }
        assertThat(text(backupCode(web, ada.backupCodes().get(3)))).contains("2 tries are left");
        assertThat(web.get("/settings/security").location()).isEqualTo("/signin");
        assertThat(count("select count(*) from backup_codes where user_id = ? and used_at is not null", ada.id()))
                .isZero();
        assertThat(auditTypes(ada.id())).doesNotContain(AuditEventType.SECOND_FACTOR_FAILED);
    }

    @Test
    void invariant5_oneBackupCodeRacedFromThirtySessionsSignsInExactlyOnce() {
        TwoFactorUser ada = twoFactorUser("race");
        List<WebSession> sessions = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            WebSession web = passwordStep(ada);
            web.get("/signin/backup-code");
            sessions.add(web);
        }
        String code = ada.backupCodes().get(0);

        List<Page> answers = Race.run(30, i -> sessions.get(i).post("/signin/backup-code", Map.of("code", code)));

        assertThat(answers).filteredOn(p -> p.status() == 302).hasSize(1)
                .allSatisfy(p -> assertThat(p.location()).isEqualTo("/settings/security"));
        assertThat(answers).filteredOn(p -> p.status() != 302).allSatisfy(p -> assertThat(p.status()).isIn(401, 429));
        assertThat(sessions.stream().filter(s -> s.get("/settings/security").status() == 200)).hasSize(1);
        assertThat(count("select count(*) from backup_codes where user_id = ? and used_at is not null", ada.id()))
                .isEqualTo(1);
        assertThat(count("select count(*) from audit_events where user_id = ? and type = 'BACKUP_CODE_USED'",
                ada.id())).isEqualTo(1);
    }

    @Test
    void chooserWhenNoBackupCodeLeftThenExplainsTheWayBackAndRecordsWhatWasShown() {
        TwoFactorUser ada = twoFactorUser("stuck");
        for (String code : ada.backupCodes()) {
            WebSession web = passwordStep(ada);
            assertThat(backupCode(web, code).location()).isEqualTo("/settings/security");
        }
        WebSession web = passwordStep(ada);
        assertThat(web.get("/signin/backup-code").location()).isEqualTo("/signin/choose");
        Page choose = web.get("/signin/choose");
        clean(choose);
        assertThat(text(choose)).contains("No way to verify is left", "You have no backup codes left",
                "An admin of your account can reset your two-step verification",
                "you are the account's only owner), ask the people who run Gatehouse for your company")
                .doesNotContain("Use a backup code");
        web.get("/signin/choose");
        assertThat(count("select count(*) from audit_events where user_id = ? and type = 'NO_WAY_LEFT_SHOWN'",
                ada.id())).as("once per sign-in attempt").isEqualTo(1);
        Page verify = web.get("/signin/verify");
        assertThat(verify.status()).as("the app still works").isEqualTo(200);
    }

    // --- Trusted devices (invariant 9) --------------------------------------------------------------------------------

    @Test
    void invariant9_rememberedDeviceSkipsTheCodeAndIsRecordedAsSuchUntilTheTrustPeriodEnds() {
        TwoFactorUser ada = twoFactorUser("remember");
        WebSession web = passwordStep(ada);
        Page remembered = code(web, ada, true);
        assertThat(remembered.location()).isEqualTo("/settings/security");
        String setCookie = headers(remembered, "Set-Cookie").stream().filter(c -> c.startsWith(DEVICE_COOKIE + "="))
                .findFirst().orElseThrow();
        assertThat(setCookie).contains("; Path=/", "; HttpOnly", "; SameSite=Lax", "Max-Age=2592000")
                .doesNotContain("Domain");
        String token = web.cookie(DEVICE_COOKIE);
        assertThat(token).matches("[A-Za-z0-9_-]{43}");
        assertThat(String.valueOf(jdbc().sql("select * from trusted_devices where user_id = ?").param(ada.id())
                .query().listOfRows())).doesNotContain(token);

        // Signed out (plainly), then in again on this browser: the password is enough.
        web.post("/signout", Map.of());
        Page again = signIn(web, ada.email(), PASSWORD);
        assertThat(again.location()).isEqualTo("/settings/security");
        assertThat(signInDetail(ada.id())).isEqualTo("password + trusted device");
        assertThat(text(web.get("/settings/security"))).contains("Signed in on a trusted device", "Device remembered",
                "Trusted devices", "Chrome on Linux");

        // The trust period ends 30 days after the device was remembered, however often it is used.
        clock().advance(Duration.ofDays(29));
        web.post("/signout", Map.of());
        assertThat(signIn(web, ada.email(), PASSWORD).location()).isEqualTo("/settings/security");
        clock().advance(Duration.ofDays(1));
        web.post("/signout", Map.of());
        assertThat(signIn(web, ada.email(), PASSWORD).location()).as("expired").isEqualTo("/signin/verify");
    }

    @Test
    void invariant9_shorterTrustPeriodShortensRememberedDevicesAtOnce() {
        TwoFactorUser ada = twoFactorUser("shorter");
        WebSession web = passwordStep(ada);
        code(web, ada, true);
        clock().advance(Duration.ofDays(2));
        jdbc().sql("update accounts set device_trust_period = 'ONE_DAY' where id = ?").param(ada.user().accountId())
                .update();
        web.post("/signout", Map.of());
        assertThat(signIn(web, ada.email(), PASSWORD).location()).isEqualTo("/signin/verify");
        Page verify = web.get("/signin/verify");
        assertThat(text(verify)).contains("Remember this device for 1 day");
    }

    @Test
    void invariant9_trustedDeviceCookieCopiedToAnotherUsersSignInStillNeedsASecondFactor() {
        TwoFactorUser ada = twoFactorUser("ada-device");
        TwoFactorUser bob = twoFactorUser("bob-device");
        WebSession adas = passwordStep(ada);
        code(adas, ada, true);
        String adaToken = adas.cookie(DEVICE_COOKIE);

        // Bob's browser with Ada's token (copied, or the same shared computer): Bob still needs his code.
        WebSession bobs = browser();
        bobs.get("/signin");
        HttpCookie copied = cookie(adaToken);
        bobs.cookies().getCookieStore().add(URI.create("http://localhost:" + port + "/"), copied);
        assertThat(signIn(bobs, bob.email(), PASSWORD).location()).isEqualTo("/signin/verify");
        // A made-up token, or one with a few characters changed, does no better.
        WebSession forged = browser();
        forged.get("/signin");
        forged.cookies().getCookieStore().add(URI.create("http://localhost:" + port + "/"),
                cookie(adaToken.substring(0, 40) + "AAA"));
        assertThat(signIn(forged, ada.email(), PASSWORD).location()).isEqualTo("/signin/verify");

        // Bob remembers the same browser too: it is then trusted for each of them, separately.
        Page bobRemembered = code(bobs, bob, true);
        assertThat(bobRemembered.location()).isEqualTo("/settings/security");
        // The server's cookie now holds both tokens, Bob's first; the copy put in by hand goes (a browser replaces it).
        bobs.cookies().getCookieStore().remove(URI.create("http://localhost:" + port + "/"), copied);
        assertThat(bobs.cookie(DEVICE_COOKIE)).endsWith("." + adaToken);
        bobs.post("/signout", Map.of());
        assertThat(signIn(bobs, ada.email(), PASSWORD).location()).isEqualTo("/settings/security");
        bobs.post("/signout", Map.of());
        assertThat(signIn(bobs, bob.email(), PASSWORD).location()).isEqualTo("/settings/security");
        assertThat(auditTypes(bob.id())).doesNotContain(AuditEventType.SECOND_FACTOR_FAILED);
    }

    @Test
    void invariant9_revokedBySignOutEverywherePasswordChangeRemovingAMethodOrRemoveButNotBySignOut() {
        TwoFactorUser ada = twoFactorUser("revoke");
        WebSession web = passwordStep(ada);

        // Remove (the one device), from the Security tab.
        code(web, ada, true);
        UUID device = jdbc().sql("select id from trusted_devices where user_id = ? and revoked_at is null")
                .param(ada.id()).query(UUID.class).single();
        web.get("/settings/security");
        assertThat(web.post("/settings/trusted-devices/" + device + "/remove", Map.of()).location())
                .isEqualTo("/settings/security#trusted-devices");
        assertThat(text(web.get("/settings/security"))).contains("That device is no longer trusted");
        assertThat(rememberedSignIn(web, ada)).as("after Remove").isFalse();

        // Sign out everywhere.
        code(web, ada, true);
        web.get("/settings/security");
        web.post("/settings/signout-everywhere", Map.of());
        assertThat(rememberedSignIn(web, ada)).as("after signing out everywhere").isFalse();

        // A password change.
        code(web, ada, true);
        web.get("/settings/security");
        String newPassword = "a much longer new password";
        assertThat(web.post("/settings/password", Map.of("currentPassword", PASSWORD, "newPassword", newPassword,
                "confirmPassword", newPassword)).location()).isEqualTo("/settings/security");
        web.post("/signout", Map.of());
        assertThat(signIn(web, ada.email(), newPassword).location()).as("after a password change")
                .isEqualTo("/signin/verify");
        web.get("/signin/verify");

        // A plain sign-out keeps it; removing a method forgets it.
        code(web, ada, true);
        web.post("/signout", Map.of());
        assertThat(signIn(web, ada.email(), newPassword).location()).as("a plain sign-out keeps it")
                .isEqualTo("/settings/security");
        UUID factor = jdbc().sql("select id from second_factors where user_id = ?").param(ada.id())
                .query(UUID.class).single();
        String remove = "/settings/two-factor/" + factor + "/remove";
        web.get("/settings/confirm?next=" + remove);
        nextStep();
        assertThat(web.post("/settings/confirm", Map.of("password", newPassword, "next", remove,
                "code", ada.app().code(clock().instant()))).location()).isEqualTo(remove);
        web.get(remove);
        assertThat(web.post(remove, Map.of()).location()).isEqualTo("/settings/security");
        assertThat(count("select count(*) from trusted_devices where user_id = ? and revoked_at is null", ada.id()))
                .isZero();
        assertThat(count("select count(*) from backup_codes where user_id = ?", ada.id()))
                .as("the last method takes the backup codes with it").isZero();
        assertThat(jdbc().sql("select detail from audit_events where user_id = ? and type = 'TRUSTED_DEVICE_REMOVED' order by id")
                .param(ada.id()).query(String.class).list()).containsExactly("Chrome on Linux",
                "all (1): signed out everywhere", "all (1): password changed", "all (1): method removed");
    }

    /** Signs out and in again on this browser; true when the trusted device spared the code. */
    private boolean rememberedSignIn(WebSession web, TwoFactorUser user) {
        web.post("/signout", Map.of());
        String next = signIn(web, user.email(), PASSWORD).location();
        if (next.equals("/signin/verify")) {
            web.get("/signin/verify");
            return false;
        }
        return true;
    }

    @Test
    void trustedDeviceSignInWhenSecurityChangeThenPasswordAndACodeOrBackupCodeAreAsked() {
        TwoFactorUser ada = twoFactorUser("sudo");
        WebSession web = passwordStep(ada);
        code(web, ada, true);
        web.post("/signout", Map.of());
        assertThat(signIn(web, ada.email(), PASSWORD).location()).isEqualTo("/settings/security");

        // No second factor was proved in this session: the password alone does not re-confirm.
        Page confirm = web.get("/settings/confirm?next=/settings/backup-codes/new");
        assertThat(confirm.body()).contains("name=\"code\"", "backup codes works too");
        Page passwordOnly = web.post("/settings/confirm", Map.of("password", PASSWORD,
                "next", "/settings/backup-codes/new"));
        assertThat(passwordOnly.status()).isEqualTo(401);
        // A backup code does it (and is used up).
        Page withBackupCode = web.post("/settings/confirm", Map.of("password", PASSWORD,
                "next", "/settings/backup-codes/new", "code", ada.backupCodes().get(5)));
        assertThat(withBackupCode.location()).isEqualTo("/settings/backup-codes/new");
        assertThat(count("select count(*) from backup_codes where user_id = ? and used_at is null", ada.id()))
                .isEqualTo(9);
    }

    @Test
    void invariant8_passwordChangeWhenSignedInOnATrustedDeviceThenACodeIsAskedFirst() {
        TwoFactorUser ada = twoFactorUser("sudo-password");
        WebSession web = passwordStep(ada);
        code(web, ada, true);
        web.post("/signout", Map.of());
        assertThat(signIn(web, ada.email(), PASSWORD).location()).isEqualTo("/settings/security");
        String hash = jdbc().sql("select password_hash from users where id = ?").param(ada.id())
                .query(String.class).single();
        String newPassword = "a brand new passphrase";
        Map<String, String> change = Map.of("currentPassword", PASSWORD, "newPassword", newPassword,
                "confirmPassword", newPassword);

        web.get("/settings/security");
        Page refused = web.post("/settings/password", change);

        assertThat(refused.location()).isEqualTo("/settings/confirm?next=/settings/password");
        assertThat(jdbc().sql("select password_hash from users where id = ?").param(ada.id())
                .query(String.class).single()).as("unchanged").isEqualTo(hash);
        // With a code proved, the same form goes through.
        nextStep();
        web.get(refused.location());
        Page confirmed = web.post("/settings/confirm", Map.of("password", PASSWORD, "next", "/settings/password",
                "code", ada.app().code(clock().instant())));
        assertThat(confirmed.location()).isEqualTo("/settings/password");
        assertThat(web.get("/settings/password").location()).isEqualTo("/settings/security?password");
        assertThat(web.get("/settings/security?password").body()).contains("<details class=\"disclosure\" open");
        assertThat(web.post("/settings/password", change).location()).isEqualTo("/settings/security");
        assertThat(jdbc().sql("select password_hash from users where id = ?").param(ada.id())
                .query(String.class).single()).isNotEqualTo(hash);
    }

    @Test
    void methodAddedOrRemovedWhenOtherSessionsOpenThenTheyEndAndThisOneGoesOn() {
        TestUsers.Created bob = users().create("other-sessions");
        WebSession laptop = signedIn(bob.email(), PASSWORD);
        WebSession phone = signedIn(bob.email(), PASSWORD);

        // The laptop turns the authenticator app on: the phone's session ends.
        laptop.get("/settings/confirm?next=" + SETUP);
        laptop.post("/settings/confirm", Map.of("password", PASSWORD, "next", SETUP));
        AuthenticatorApp app = AuthenticatorApp.fromSetupPage(laptop.get(SETUP).body());
        assertThat(laptop.post(SETUP, Map.of("code", app.code(clock().instant()))).location())
                .isEqualTo("/settings/backup-codes");
        assertThat(phone.get("/settings/security").location()).as("phone signed out").isEqualTo("/signin");
        assertThat(laptop.get("/settings/security").status()).as("laptop goes on").isEqualTo(200);

        // The phone signs in again with a code; the laptop removes the app: the phone's session ends again.
        nextStep();
        assertThat(signIn(phone, bob.email(), PASSWORD).location()).isEqualTo("/signin/verify");
        phone.get("/signin/verify");
        assertThat(phone.post("/signin/verify", Map.of("code", app.code(clock().instant()))).location())
                .isEqualTo("/settings/security");
        UUID factor = jdbc().sql("select id from second_factors where user_id = ?").param(bob.user().id())
                .query(UUID.class).single();
        String remove = "/settings/two-factor/" + factor + "/remove";
        laptop.get(remove);
        assertThat(laptop.post(remove, Map.of()).location()).isEqualTo("/settings/security");
        assertThat(phone.get("/settings/security").location()).as("phone signed out").isEqualTo("/signin");
        assertThat(laptop.get("/settings/security").status()).isEqualTo(200);
    }

    @Test
    void secondStepWhenSentToSignInFromAPageThenBackThereWithACodeOrABackupCode() {
        TwoFactorUser ada = twoFactorUser("return");
        String wanted = "/accounts/" + ada.user().accountId() + "/settings";

        WebSession web = browser();
        assertThat(web.get(wanted).location()).isEqualTo("/signin");
        passwordStep(web, ada);
        assertThat(code(web, ada, false).location()).as("after an app code").isEqualTo(wanted);
        assertThat(web.get(wanted).status()).isEqualTo(200);

        WebSession other = browser();
        assertThat(other.get(wanted).location()).isEqualTo("/signin");
        passwordStep(other, ada);
        assertThat(backupCode(other, ada.backupCodes().get(0)).location()).as("after a backup code")
                .isEqualTo(wanted);

        // Used once: the next sign-in on that browser goes to the Security page.
        other.post("/signout", Map.of());
        passwordStep(other, ada);
        assertThat(code(other, ada, false).location()).isEqualTo("/settings/security");
    }

    @Test
    void rememberWhenAccountTrustsNoDeviceThenNotOfferedAndNothingRemembered() {
        TwoFactorUser ada = twoFactorUser("no-trust");
        jdbc().sql("update accounts set device_trust_period = 'THIS_SIGN_IN' where id = ?")
                .param(ada.user().accountId()).update();
        WebSession web = passwordStep(ada);
        Page verify = web.get("/signin/verify");
        assertThat(verify.body()).doesNotContain("name=\"remember\"");
        assertThat(web.get("/signin/backup-code").body()).doesNotContain("name=\"remember\"");

        Page forced = code(web, ada, true);
        assertThat(forced.location()).isEqualTo("/settings/security");
        assertThat(web.cookie(DEVICE_COOKIE)).isNull();
        assertThat(count("select count(*) from trusted_devices where user_id = ?", ada.id())).isZero();
        assertThat(text(web.get("/settings/security"))).contains("asks for a code at every sign-in");
    }

    @Test
    void securityTabWhenFewBackupCodesLeftThenWarnsAndOffersNewCodes() {
        TwoFactorUser ada = twoFactorUser("low");
        WebSession web = null;
        for (int i = 0; i < 7; i++) {
            web = passwordStep(ada);
            assertThat(backupCode(web, ada.backupCodes().get(i)).location()).isEqualTo("/settings/security");
        }
        Page security = web.get("/settings/security");
        clean(security);
        assertThat(text(security)).contains("Only 3 backup codes left", "3 of 10 codes left", "Generate new codes",
                "We recommend setting up at least two methods").doesNotContain("Preferences");
        assertThat(security.body()).contains("href=\"/settings/backup-codes/new\"");
    }

    private static HttpCookie cookie(String value) {
        HttpCookie cookie = new HttpCookie(DEVICE_COOKIE, value);
        cookie.setPath("/");
        cookie.setVersion(0);
        return cookie;
    }
}

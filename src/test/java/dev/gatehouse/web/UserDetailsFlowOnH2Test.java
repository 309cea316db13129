package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;

import dev.gatehouse.account.DeviceTrustPeriod;
import dev.gatehouse.account.SecurityRulesService;
import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.factor.FactorService;
import dev.gatehouse.factor.sms.SmsCodeMethod;
import dev.gatehouse.signin.SignedInUser;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.testsupport.H2Test;
import dev.gatehouse.testsupport.SentCodes;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.testsupport.WebSession;
import dev.gatehouse.testsupport.WebSession.Page;

/**
 * Settings > User details over HTTP, as its owner uses it and as an attacker tries it: the email and the phone ask to
 * confirm it's you first, the link works once and only in the asking user's session, a tampered form changes nothing,
 * and with text-message codes on a new phone number receives no sign-in code until a code sent there comes back.
 */
@H2Test
class UserDetailsFlowOnH2Test extends WebFlowSupport {

    private static final String PAGE = "/settings/details";

    private WebSession confirmed(TestUsers.Created who) {
        WebSession web = signedIn(who.email(), who.password());
        web.get("/settings/confirm?next=" + PAGE);
        assertThat(web.post("/settings/confirm", Map.of("password", who.password(), "next", PAGE)).location())
                .isEqualTo(PAGE);
        return web;
    }

    private String link(String newEmail) {
        return path(mail().await(newEmail, "Confirm your new").link("/settings/details/email/confirm/"));
    }

    private static String number() {
        return "+447400" + String.format("%06d", ThreadLocalRandom.current().nextInt(1_000_000));
    }

    @Test
    void emailWhenChangedThenLinkOpenedInTheSameSessionSwitchesTheSignInAddress() {
        TestUsers.Created ada = users().create("flow-email");
        WebSession web = confirmed(ada);
        String next = unique("flow-new");
        assertThat(web.get(PAGE + "/email").status()).isEqualTo(200);

        Page asked = web.post(PAGE + "/email", Map.of("email", next));

        assertThat(asked.location()).isEqualTo(PAGE);
        assertThat(text(web.get(PAGE))).contains("We sent a link to " + next, "Waiting for confirmation",
                "Cancel this change", ada.email());
        String link = link(next);
        Page ask = web.get(link);
        assertThat(ask.status()).isEqualTo(200);
        assertThat(text(ask)).contains("Use your new email?", next, ada.email());
        Page done = web.post(link, Map.of());
        assertThat(done.location()).isEqualTo(PAGE);
        assertThat(text(web.get(PAGE))).contains("Your email is now " + next);
        assertThat(auditTypes(ada.user().id())).contains(AuditEventType.EMAIL_CHANGE_REQUESTED,
                AuditEventType.EMAIL_CHANGED);
        assertThat(mail().await(ada.email(), "your sign-in email was changed").text()).contains("If this wasn't you");

        assertThat(signIn(browser(), ada.email(), PASSWORD).status()).as("the old address").isEqualTo(401);
        assertThat(signIn(browser(), next, PASSWORD).location()).isEqualTo("/settings/security");
        assertThat(web.post(link, Map.of()).status()).as("replayed").isEqualTo(404);
    }

    @Test
    void emailWhenNotConfirmedFirstThenSentToConfirmItsYouAndNothingIsSent() {
        TestUsers.Created ada = users().create("flow-unconfirmed");
        WebSession web = signedIn(ada.email(), PASSWORD);
        web.get(PAGE);

        Page posted = web.post(PAGE + "/email", Map.of("email", unique("stolen")));

        assertThat(posted.location()).isEqualTo("/settings/confirm?next=/settings/details/email");
        assertThat(web.get(PAGE + "/phone").location()).isEqualTo("/settings/confirm?next=/settings/details/phone");
        assertThat(count("select count(*) from email_changes where user_id = ?", ada.user().id())).isZero();
        assertThat(auditTypes(ada.user().id())).doesNotContain(AuditEventType.EMAIL_CHANGE_REQUESTED);
    }

    @Test
    void confirmLinkWhenAnotherUsersSessionOrTamperedThenNotFoundAndNothingChanges() {
        TestUsers.Created ada = users().create("flow-victim");
        TestUsers.Created eve = users().create("flow-attacker");
        WebSession adaWeb = confirmed(ada);
        String next = unique("flow-victim-new");
        adaWeb.post(PAGE + "/email", Map.of("email", next));
        String link = link(next);

        WebSession eveWeb = signedIn(eve.email(), PASSWORD);
        Page seen = eveWeb.get(link);
        assertThat(seen.status()).isEqualTo(404);
        assertThat(text(seen)).contains("This link doesn't work", "sent for another user").doesNotContain(next);
        eveWeb.get(PAGE);
        assertThat(eveWeb.post(link, Map.of()).status()).isEqualTo(404);
        assertThat(eveWeb.post(PAGE + "/email/confirm/" + UUID.randomUUID(), Map.of()).status()).isEqualTo(404);
        assertThat(browser().post(link, Map.of()).status()).as("signed out, no form token").isIn(302, 403);
        assertThat(browser().get(link).location()).as("signed out: sign in first").isEqualTo("/signin");
        assertThat(userId(eve.email())).isEqualTo(eve.user().id());
        assertThat(count("select count(*) from users where email_normalized = lower(?)", next)).isZero();

        assertThat(adaWeb.post(link, Map.of()).location()).as("still Ada's to use").isEqualTo(PAGE);
    }

    /**
     * The session says at once who the user now is: the top bar's name after a rename, and the name and address an
     * application's next ID token gets from this session after an email change (noticed by a new user: the top bar
     * kept the old name until the next sign-in).
     */
    @Test
    void nameAndEmailWhenChangedThenThisSessionSaysSoAtOnce() {
        TestUsers.Created ada = users().create("flow-rename");
        WebSession web = confirmed(ada);
        assertThat(web.post(PAGE + "/name", Map.of("displayName", "Ada Byron")).location()).isEqualTo(PAGE);
        assertThat(web.get("/settings/security").body()).contains("<span>Ada Byron</span>");

        String next = unique("flow-readdressed");
        web.post(PAGE + "/email", Map.of("email", next));
        String link = link(next);
        web.get(link);
        assertThat(web.post(link, Map.of()).location()).isEqualTo(PAGE);
        @SuppressWarnings("unchecked")
        org.springframework.session.FindByIndexNameSessionRepository<org.springframework.session.Session> sessions =
                ctx.getBean(org.springframework.session.FindByIndexNameSessionRepository.class);
        SignedInUser now = sessions.findByPrincipalName(ada.user().id().toString()).values().stream()
                .map(session -> ((org.springframework.security.core.context.SecurityContext) session
                        .getAttribute("SPRING_SECURITY_CONTEXT")).getAuthentication().getPrincipal())
                .map(SignedInUser.class::cast).findFirst().orElseThrow();
        assertThat(now.email()).isEqualTo(next);
        assertThat(now.displayName()).isEqualTo("Ada Byron");
    }

    @Test
    void formsWhenTamperedOrInvalidThen422WithTheFieldsMessageAndNothingStored() {
        TestUsers.Created ada = users().create("flow-tamper");
        WebSession web = confirmed(ada);

        Page injected = web.post(PAGE + "/email", Map.of("email", "ada@example.org\r\nBcc: eve@example.org"));
        assertThat(injected.status()).isEqualTo(422);
        assertThat(text(injected)).contains("Enter an email address like name@example.com.").doesNotContain("Bcc: eve");
        Page same = web.post(PAGE + "/email", Map.of("email", ada.email().toUpperCase(java.util.Locale.ROOT)));
        assertThat(same.status()).isEqualTo(422);
        assertThat(text(same)).contains("That is already your email.");
        Page noName = web.post(PAGE + "/name", Map.of("displayName", "   "));
        assertThat(noName.status()).isEqualTo(422);
        assertThat(text(noName)).contains("This field is required.");
        Page landline = web.post(PAGE + "/phone", Map.of("country", "GB", "phone", "020 7946 0958"));
        assertThat(landline.status()).isEqualTo(422);
        assertThat(text(landline)).contains("This number can't receive text messages");
        Page extraFields = web.post(PAGE + "/name", Map.of("displayName", "Ada", "userId",
                UUID.randomUUID().toString(), "email", "eve@example.org"));
        assertThat(extraFields.location()).isEqualTo(PAGE);

        assertThat(count("select count(*) from email_changes where user_id = ?", ada.user().id())).isZero();
        assertThat(jdbc().sql("select email, display_name, phone from users where id = ?").param(ada.user().id())
                .query((rs, n) -> rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3)).single())
                .isEqualTo(ada.email() + "|Ada|null");
        assertThat(auditTypes(ada.user().id())).containsOnlyOnce(AuditEventType.DISPLAY_NAME_CHANGED)
                .doesNotContain(AuditEventType.PHONE_CHANGED);
    }

    @Test
    void phoneWhenNoTextMessageCodesThenKeptUnverifiedAndNothingSent() {
        TestUsers.Created ada = users().create("flow-phone");
        WebSession web = confirmed(ada);
        String number = number();

        assertThat(web.post(PAGE + "/phone", Map.of("country", "", "phone", number)).location()).isEqualTo(PAGE);

        assertThat(text(web.get(PAGE))).contains("Not verified", "+44 7400 ");
        assertThat(count("select count(*) from users where id = ? and phone = ? and phone_verified_at is null",
                ada.user().id(), number)).isOne();
        assertThat(count("select count(*) from code_challenges where user_id = ?", ada.user().id())).isZero();
        assertThat(web.post(PAGE + "/phone", Map.of("phone", "")).location()).as("removed").isEqualTo(PAGE);
        assertThat(count("select count(*) from users where id = ? and phone is null", ada.user().id())).isOne();
        assertThat(auditTypes(ada.user().id())).contains(AuditEventType.PHONE_CHANGED);
    }

    /** Turns text-message codes on for a new number, as the set-up pages do; returns the number. */
    private static String smsCodesOn(WebSession web, SentCodes codes) {
        String number = number();
        web.get("/settings/two-factor/sms");
        web.post("/settings/two-factor/sms", Map.of("country", "GB", "destination", number));
        web.get("/settings/two-factor/sms/verify");
        web.post("/settings/two-factor/sms/verify", Map.of("code", codes.awaitCode(number, 1)));
        return number;
    }

    @Test
    void phoneWhenTextMessageCodesOnThenTheNewNumberGetsNoSignInCodeUntilProvedThenBothMove() {
        TestUsers.Created ada = users().create("flow-phone-sms");
        WebSession web = confirmed(ada);
        SentCodes codes = new SentCodes(ctx);
        String first = smsCodesOn(web, codes);
        assertThat(count("select count(*) from users where id = ? and phone = ? and phone_verified_at is not null",
                ada.user().id(), first)).as("the number set up is the phone on file").isOne();
        String second = number();

        Page asked = web.post(PAGE + "/phone", Map.of("country", "GB", "phone", second));

        assertThat(asked.location()).isEqualTo(PAGE + "/phone/verify");
        assertThat(text(web.get(PAGE + "/phone/verify"))).contains("Check your phone", "We sent a 6-digit code to");
        String code = codes.awaitCode(second, 1);
        FactorService factors = ctx.getBean(FactorService.class);
        assertThat(factors.factor(ada.user().id(), SmsCodeMethod.TYPE).orElseThrow().publicData())
                .as("codes still go to the proved number").isEqualTo(first);
        assertThat(count("select count(*) from users where id = ? and phone = ?", ada.user().id(), first)).isOne();
        String wrong = code.equals("000000") ? "111111" : "000000";
        assertThat(web.post(PAGE + "/phone/verify", Map.of("code", wrong)).status()).isEqualTo(401);
        WebSession eve = signedIn(users().create("flow-phone-eve").email(), PASSWORD);
        eve.get(PAGE);
        assertThat(eve.post(PAGE + "/phone/verify", Map.of("code", code)).location())
                .as("another session has no such change").isEqualTo("/settings/confirm?next=/settings/details/phone");

        Page done = web.post(PAGE + "/phone/verify", Map.of("code", code));

        assertThat(done.location()).isEqualTo(PAGE);
        assertThat(factors.factor(ada.user().id(), SmsCodeMethod.TYPE).orElseThrow().publicData()).isEqualTo(second);
        assertThat(count("select count(*) from users where id = ? and phone = ? and phone_verified_at is not null",
                ada.user().id(), second)).isOne();
        assertThat(auditTypes(ada.user().id())).contains(AuditEventType.CODE_DESTINATION_CHANGED,
                AuditEventType.PHONE_CHANGED);
        Page removing = web.post(PAGE + "/phone", Map.of("phone", ""));
        assertThat(removing.status()).as("codes go there").isEqualTo(422);
        assertThat(text(removing)).contains("Turn them off on the Security page before you remove it");
    }

    @Test
    void phoneCheckPageWhenCodeEntryPausedThenSaysSoOnOpeningWithNoCodeField() {
        TestUsers.Created ada = users().create("flow-phone-paused");
        WebSession web = confirmed(ada);
        SentCodes codes = new SentCodes(ctx);
        String first = smsCodesOn(web, codes);
        String second = number();
        web.post(PAGE + "/phone", Map.of("country", "GB", "phone", second));
        String wrong = codes.awaitCode(second, 1).equals("000000") ? "111111" : "000000";
        for (int i = 0; i < 6; i++) {
            web.post(PAGE + "/phone/verify", Map.of("code", wrong));
        }

        Page opened = web.get(PAGE + "/phone/verify");

        assertThat(opened.status()).isEqualTo(429);
        assertThat(text(opened)).contains("Check your phone", "Too many wrong codes").doesNotContain("id=\"code\"")
                .as("no new code is offered while none could be typed").doesNotContain("resend-form");
        clock().advance(java.time.Duration.ofSeconds(61)); // past the cooldown between codes, within the pause
        int sent = codes.count(second);
        assertThat(web.post(PAGE + "/phone/resend", Map.of()).location()).isEqualTo(PAGE + "/phone/verify");
        assertThat(codes.count(second)).as("none is sent either").isEqualTo(sent);
        String third = number();
        Page elsewhere = web.post(PAGE + "/phone", Map.of("country", "GB", "phone", third));
        assertThat(elsewhere.status()).as("nor to a number typed anew").isEqualTo(429);
        assertThat(text(elsewhere)).contains("Too many wrong codes");
        assertThat(codes.count(third)).isZero();
    }

    @Test
    void pageWhenMemberOfAnotherAccountThenOnlyOwnersLinkedToTheAccountName() {
        TestUsers.Created owner = users().create("flow-owner");
        TestUsers.Created member = users().create("flow-member");
        jdbc().sql("insert into memberships (account_id, user_id, role, created_at) values (?, ?, 'MEMBER', ?)")
                .params(owner.accountId(), member.user().id(), java.sql.Timestamp.from(clock().instant())).update();

        String page = text(signedIn(member.email(), PASSWORD).get(PAGE));

        assertThat(page).contains("User details", member.email(), "flow-owner Ltd",
                "Only the account's owners can change its name.",
                "href=\"/accounts/" + member.accountId() + "/settings\"")
                .doesNotContain("href=\"/accounts/" + owner.accountId() + "/settings\"");
    }

    @Test
    void securityPageWhenAnAccountAllowsTextMessagesAndNoPhoneOnFileThenAsksForOneNamingOnlyThoseAccounts() {
        TestUsers.Created ada = users().create("flow-ask");
        TestUsers.Created other = users().create("flow-ask-other");
        TestUsers.Created strict = users().create("flow-ask-strict");
        for (TestUsers.Created account : java.util.List.of(other, strict)) {
            jdbc().sql("insert into memberships (account_id, user_id, role, created_at) values (?, ?, 'MEMBER', ?)")
                    .params(account.accountId(), ada.user().id(), java.sql.Timestamp.from(clock().instant()))
                    .update();
        }
        // One account no longer allows text messages: it asks for no number.
        java.util.Set<String> known = java.util.Set.of("TOTP", "EMAIL", "SMS", "WEBAUTHN");
        ctx.getBean(SecurityRulesService.class).save(strict.accountId(), strict.user(), false, 0,
                java.util.Set.of("TOTP"), DeviceTrustPeriod.THIRTY_DAYS, known, ClientInfo.SYSTEM);
        WebSession web = signedIn(ada.email(), PASSWORD);

        Page asked = web.get("/settings/security");

        assertThat(asked.status()).as("a request, not a block").isEqualTo(200);
        assertThat(text(asked)).contains("id=\"phone-asked\"",
                "flow-ask Ltd, flow-ask-other Ltd ask every member for a mobile number.",
                "href=\"/settings/details#phone\"", "Add yours in User details")
                .doesNotContain("flow-ask-strict Ltd ask");
        assertThat(web.get(PAGE).status()).as("User details open").isEqualTo(200);
        assertThat(web.get("/accounts/" + ada.accountId() + "/settings").status()).as("nothing held").isEqualTo(200);

        // Only the own account asks (the other left): named alone, in the singular.
        jdbc().sql("delete from memberships where account_id = ? and user_id = ?")
                .params(other.accountId(), ada.user().id()).update();
        assertThat(text(web.get("/settings/security"))).contains("flow-ask Ltd asks every member for a mobile number.")
                .doesNotContain("flow-ask-other Ltd");

        // A number on file, proved or not, answers it.
        web.get("/settings/confirm?next=" + PAGE + "/phone");
        web.post("/settings/confirm", Map.of("password", PASSWORD, "next", PAGE + "/phone"));
        assertThat(web.post(PAGE + "/phone", Map.of("country", "", "phone", number())).location()).isEqualTo(PAGE);
        assertThat(web.get("/settings/security").body()).doesNotContain("id=\"phone-asked\"");

        // So do text-message codes, whose number is a phone by the members pages' reckoning.
        TestUsers.Created bo = users().create("flow-ask-sms");
        WebSession bos = confirmed(bo);
        assertThat(bos.get("/settings/security").body()).contains("id=\"phone-asked\"");
        String first = number();
        bos.get("/settings/two-factor/sms");
        bos.post("/settings/two-factor/sms", Map.of("country", "GB", "destination", first));
        bos.post("/settings/two-factor/sms/verify", Map.of("code", new SentCodes(ctx).awaitCode(first, 1)));
        jdbc().sql("update users set phone = null, phone_verified_at = null where id = ?").param(bo.user().id())
                .update();
        assertThat(bos.get("/settings/security").body()).doesNotContain("id=\"phone-asked\"");

        // An account that stops allowing text messages stops asking.
        ctx.getBean(SecurityRulesService.class).save(bo.accountId(), bo.user(), false, 0, java.util.Set.of("TOTP"),
                DeviceTrustPeriod.THIRTY_DAYS, known, ClientInfo.SYSTEM);
        TestUsers.Created cy = users().create("flow-ask-none");
        jdbc().sql("insert into memberships (account_id, user_id, role, created_at) values (?, ?, 'MEMBER', ?)")
                .params(bo.accountId(), cy.user().id(), java.sql.Timestamp.from(clock().instant())).update();
        ctx.getBean(SecurityRulesService.class).save(cy.accountId(), cy.user(), false, 0, java.util.Set.of("TOTP"),
                DeviceTrustPeriod.THIRTY_DAYS, known, ClientInfo.SYSTEM);
        assertThat(signedIn(cy.email(), PASSWORD).get("/settings/security").body())
                .doesNotContain("id=\"phone-asked\"", "every member for a mobile number");
    }
}

package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import dev.gatehouse.account.DeviceTrustPeriod;
import dev.gatehouse.account.SecurityRulesService;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.testsupport.H2Test;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.testsupport.WebSession;
import dev.gatehouse.testsupport.WebSession.Page;

/**
 * The account's rules and an admin's reset of a member's two-step verification, over HTTP, as an attacker tries them:
 * someone who does not manage the account cannot read or change its rules or reset anyone by id, an admin cannot reset
 * an owner, and the set-up step cannot be stepped around by going elsewhere or by asking for a method that is not
 * allowed.
 */
@H2Test
class AccountRulesFlowOnH2Test extends TwoFactorFlowSupport {

    static final Set<String> KNOWN = Set.of("TOTP", "EMAIL", "SMS", "WEBAUTHN");

    @Autowired
    private ApplicationContext context;

    private void join(UUID accountId, UUID userId, String role) {
        jdbc().sql("insert into memberships (account_id, user_id, role, created_at) values (?, ?, ?, ?)")
                .params(accountId, userId, role, Timestamp.from(clock().instant())).update();
    }

    /** Leaves the user in {@code accountId} only (test users are created owning an account of their own). */
    private void onlyIn(UUID accountId, UUID userId) {
        jdbc().sql("delete from memberships where user_id = ? and account_id <> ?").params(userId, accountId).update();
    }

    private WebSession confirmed(TestUsers.Created who) {
        WebSession web = signedIn(who.email(), who.password());
        web.get("/settings/confirm?next=/settings/security");
        Page confirm = web.post("/settings/confirm", Map.of("password", who.password(), "next", "/settings/security"));
        assertThat(confirm.status()).isEqualTo(302);
        return web;
    }

    @Test
    void rulesPageWhenNotAnOwnerOrAdminOfThatAccountThenNotFoundAndNothingChanges() {
        TestUsers.Created owner = users().create("rules-victim");
        TestUsers.Created member = users().create("rules-member");
        TestUsers.Created stranger = users().create("rules-stranger");
        join(owner.accountId(), member.user().id(), "MEMBER");
        String page = "/accounts/" + owner.accountId() + "/settings/security";
        Map<String, String> weaken = Map.of("graceDays", "14", "allowed", "SMS", "trustPeriod", "THIRTY_DAYS");

        // A member of the account is told plainly that it is for admins; a stranger learns nothing (404).
        WebSession memberWeb = confirmed(member);
        Page asMember = memberWeb.get(page);
        assertThat(asMember.status()).isEqualTo(403);
        assertThat(asMember.body()).contains("The settings of rules-victim Ltd are for its owners and admins");
        memberWeb.get("/settings/security");
        assertThat(memberWeb.post(page, weaken).status()).isEqualTo(403);
        assertThat(memberWeb.get("/accounts/" + owner.accountId() + "/settings").status()).isEqualTo(403);
        WebSession strangerWeb = confirmed(stranger);
        assertThat(strangerWeb.get(page).status()).isEqualTo(404);
        strangerWeb.get("/settings/security");
        assertThat(strangerWeb.post(page, weaken).status()).isEqualTo(404);
        WebSession ownerWeb = confirmed(owner);
        assertThat(ownerWeb.get(page).body()).doesNotContain("id=\"required-by-condition\"");
        // The relying application reports an order: the page says why it is required, and the switch is locked on.
        ctx.getBean(SecurityRulesService.class).ordersPlaced(owner.accountId(), ClientInfo.SYSTEM);
        assertThat(ownerWeb.get(page).location()).as("the owner has no method either").startsWith("/settings/security");
        ownerWeb.get("/settings/security");
        ownerWeb.post("/settings/two-factor/postpone", Map.of()); // within the 7 days
        assertThat(ownerWeb.get(page).body()).contains("id=\"required-by-condition\"", "has placed orders")
                .containsPattern("id=\"require-two-factor\"[^>]*checked[^>]*disabled"
                        + "|id=\"require-two-factor\"[^>]*disabled[^>]*checked");
        assertThat(count("select count(*) from audit_events where account_id = ? and type = 'ACCOUNT_RULES_CHANGED'"
                + " and user_id is not null", owner.accountId())).as("no change by anyone but the condition").isZero();
    }

    @Test
    void setupStepWhenGraceIsOverThenOtherPagesAndDisallowedMethodsStayClosed() {
        TestUsers.Created admin = users().create("rules-blocked");
        ctx.getBean(SecurityRulesService.class).save(admin.accountId(), admin.user(), true, 0, Set.of("WEBAUTHN"),
                DeviceTrustPeriod.ONE_DAY, KNOWN, ClientInfo.SYSTEM);
        WebSession web = confirmed(admin);

        Page account = web.get("/accounts/" + admin.accountId() + "/settings");
        assertThat(account.status()).isEqualTo(302);
        assertThat(account.location()).isEqualTo("/settings/security#two-factor");
        assertThat(web.get("/").location()).isEqualTo("/settings/security#two-factor");
        Page security = web.get("/settings/security");
        assertThat(security.body()).contains("id=\"setup-required\"", "It cannot be postponed")
                .doesNotContain("id=\"postpone-setup\"", "id=\"setup-app\"");

        Page postpone = web.post("/settings/two-factor/postpone", Map.of());
        assertThat(web.follow(postpone).body()).contains("The time to set it up is over");
        assertThat(web.get("/accounts/" + admin.accountId() + "/settings").status()).isEqualTo(302);

        // The app's setup page, asked for directly, refuses: nothing to scan, nothing stored.
        Page app = web.get("/settings/two-factor/app");
        assertThat(app.status()).isEqualTo(302);
        assertThat(web.follow(app).body()).contains("The rules of your account do not allow this method");
        Page email = web.get("/settings/two-factor/email");
        assertThat(web.follow(email).body()).contains("The rules of your account do not allow this method");
        // The setup form posted directly, as if the page had been shown: refused, no code sent.
        Page posted = web.post("/settings/two-factor/email", Map.of("destination", admin.email()));
        assertThat(posted.status()).isEqualTo(422);
        assertThat(posted.body()).contains("The rules of your account do not allow this method");
        assertThat(count("select count(*) from second_factors where user_id = ?", admin.user().id())).isZero();
        assertThat(count("select count(*) from outbox where recipient = ? and subject like '%code%'", admin.email()))
                .isZero();
    }

    @Test
    void securityPageWhenInSeveralAccountsThenSaysWhichAccountSetEachRule() {
        TwoFactorUser member = twoFactorUser("origins-member");
        TestUsers.Created strict = users().create("origins-strict");
        TestUsers.Created lenient = users().create("origins-lenient");
        join(strict.accountId(), member.id(), "MEMBER");
        join(lenient.accountId(), member.id(), "MEMBER");
        SecurityRulesService rules = ctx.getBean(SecurityRulesService.class);
        rules.save(strict.accountId(), strict.user(), true, 14, Set.of("TOTP", "WEBAUTHN"),
                DeviceTrustPeriod.ONE_DAY, KNOWN, ClientInfo.SYSTEM);
        rules.save(lenient.accountId(), lenient.user(), false, 0, Set.of("TOTP", "EMAIL"),
                DeviceTrustPeriod.ONE_WEEK, KNOWN, ClientInfo.SYSTEM);

        WebSession web = passwordStep(member);
        code(web, member, false);
        String body = text(web.get("/settings/security"));

        assertThat(body).contains("Two-step verification is required by origins-strict Ltd: you can change your methods, but keep at least one.")
                .as("only the requiring account limits the methods: one that requires nothing neither widens nor narrows")
                .contains("Only the methods allowed by origins-strict Ltd are offered here.")
                .contains("skip the code step for 1 day.", "Set by origins-strict Ltd.")
                .doesNotContain("origins-lenient Ltd are offered");
    }

    /**
     * A user whose accounts require two-step verification and allow no method in common can add none (found by an
     * outside attack: "whatever either allows" let a member add the method her own account allowed and her company did
     * not, and sign in with it), is held with a page that names the accounts, and may open an account's rules to settle
     * it; the company's rule is not met by her own account's method.
     */
    @Test
    void rulesWhenTheAccountsAllowNoMethodInCommonThenNothingCanBeAddedAndTheHeldUserMayOpenTheRules() {
        TwoFactorUser carol = twoFactorUser("disagree-carol");
        TestUsers.Created acme = users().create("disagree-acme");
        join(acme.accountId(), carol.id(), "ADMIN");
        SecurityRulesService rules = ctx.getBean(SecurityRulesService.class);
        rules.save(acme.accountId(), acme.user(), true, 0, Set.of("TOTP"), DeviceTrustPeriod.ONE_DAY, KNOWN,
                ClientInfo.SYSTEM);
        rules.save(carol.user().accountId(), carol.user().user(), true, 0, Set.of("EMAIL"), DeviceTrustPeriod.ONE_DAY,
                KNOWN, ClientInfo.SYSTEM);

        WebSession web = passwordStep(carol);
        code(web, carol, false);
        String security = text(web.get("/settings/security"));
        assertThat(security).contains("id=\"rules-disagree\"", "disagree-acme Ltd", "disagree-carol Ltd",
                "allow no method in common");
        web.get("/settings/confirm?next=/settings/security");
        web.post("/settings/confirm", Map.of("password", PASSWORD, "next", "/settings/security"));
        Page email = web.post("/settings/two-factor/email", Map.of("destination", carol.email()));
        assertThat(email.status()).isEqualTo(422);
        assertThat(email.body()).contains("The rules of your account do not allow this method");
        assertThat(count("select count(*) from second_factors where user_id = ? and type = 'EMAIL'", carol.id()))
                .isZero();

        assertThat(web.get("/accounts/" + acme.accountId() + "/settings").location())
                .isEqualTo("/settings/security#two-factor");
        Page ownRules = web.get("/accounts/" + carol.user().accountId() + "/settings/security");
        assertThat(ownRules.status()).as("held, but may open the rules to settle it").isEqualTo(200);
        assertThat(web.get("/accounts/" + acme.accountId() + "/settings/security").status()).isEqualTo(200);
    }

    @Test
    void rulesPageWhenMembersOnlyHaveDisallowedMethodsThenListedWithTheReason() {
        TwoFactorUser owner = twoFactorUser("unmet-owner");
        TwoFactorUser member = twoFactorUser("unmet-member");
        TestUsers.Created bare = users().create("unmet-bare");
        join(owner.user().accountId(), member.id(), "MEMBER");
        join(owner.user().accountId(), bare.user().id(), "MEMBER");
        ctx.getBean(SecurityRulesService.class).save(owner.user().accountId(), owner.user().user(), true, 7,
                Set.of("WEBAUTHN"), DeviceTrustPeriod.ONE_DAY, KNOWN, ClientInfo.SYSTEM);

        WebSession web = passwordStep(owner);
        code(web, owner, false);
        web.get("/settings/security");
        web.post("/settings/two-factor/postpone", Map.of()); // the owner's app is not allowed either
        web.get("/settings/confirm?next=/settings/security");
        web.post("/settings/confirm", Map.of("password", PASSWORD, "next", "/settings/security"));
        String body = text(web.get("/accounts/" + owner.user().accountId() + "/settings/security"));
        assertThat(body).contains("Members who do not meet these rules: 3");
        assertThat(body).containsPattern(member.email() + "</td>\\s*<td>Only methods this account does not allow")
                .containsPattern(bare.email() + "</td>\\s*<td>No method yet");
    }

    @Test
    void resetWhenAdminResetsAMemberThenMethodsCodesDevicesAndSessionsGoAndTheMemberIsEmailed() {
        TwoFactorUser member = twoFactorUser("reset-member");
        TestUsers.Created owner = users().create("reset-owner");
        TestUsers.Created admin = users().create("reset-admin");
        join(owner.accountId(), member.id(), "MEMBER");
        onlyIn(owner.accountId(), member.id());
        join(owner.accountId(), admin.user().id(), "ADMIN");
        WebSession memberWeb = passwordStep(member);
        assertThat(code(memberWeb, member, true).status()).isEqualTo(302);
        assertThat(memberWeb.get("/settings/security").status()).isEqualTo(200);
        assertThat(count("select count(*) from trusted_devices where user_id = ?", member.id())).isEqualTo(1);

        WebSession adminWeb = confirmed(admin);
        String reset = "/accounts/" + owner.accountId() + "/members/" + member.id() + "/reset-two-factor";
        assertThat(adminWeb.get("/accounts/" + owner.accountId() + "/settings").body()).contains(reset);
        assertThat(adminWeb.get(reset).body()).contains("Reset the two-step verification of reset-member");
        Page done = adminWeb.post(reset, Map.of());
        assertThat(done.location()).isEqualTo("/accounts/" + owner.accountId() + "/settings");
        assertThat(adminWeb.follow(done).body()).contains("The two-step verification of reset-member was reset");

        assertThat(count("select count(*) from second_factors where user_id = ?", member.id())).isZero();
        assertThat(count("select count(*) from backup_codes where user_id = ?", member.id())).isZero();
        assertThat(count("select count(*) from trusted_devices where user_id = ? and revoked_at is null", member.id()))
                .isZero();
        assertThat(memberWeb.get("/settings/security").status()).as("signed out everywhere").isEqualTo(302);
        assertThat(jdbc().sql("select account_id from audit_events where user_id = ? and type = 'TWO_FACTOR_RESET'")
                .param(member.id()).query(UUID.class).single()).isEqualTo(owner.accountId());
        assertThat(mail().await(member.email(), "two-step verification was reset").text())
                .contains(admin.email() + " (reset-admin), an admin of the account reset-owner Ltd, reset your"
                        + " two-step verification"); // the address too: a display name is anyone's to choose
        // Their password alone signs them in now, to set up a new method.
        assertThat(signIn(browser(), member.email(), PASSWORD).location()).isEqualTo("/settings/security");
    }

    /**
     * The way back for someone no admin can reset: the sole owner of an account who lost every method. The operator
     * runs {@code reset-two-factor} (here the command's reset in this server's application, as it runs after its own
     * start); the owner's methods, codes, remembered devices and sessions go, the owner and the account's alert
     * recipients are emailed, and the owner's activity says who did it.
     */
    @Test
    void resetWhenTheOperatorResetsASoleOwnerFromTheCommandLineThenMethodsCodesDevicesAndSessionsGoAndEveryoneIsTold()
            throws Exception {
        TwoFactorUser owner = twoFactorUser("operator-owner");
        TestUsers.Created admin = users().create("operator-admin");
        join(owner.user().accountId(), admin.user().id(), "ADMIN");
        jdbc().sql("update accounts set alerts_to_admins = true where id = ?").param(owner.user().accountId()).update();
        WebSession ownerWeb = passwordStep(owner);
        assertThat(code(ownerWeb, owner, true).status()).isEqualTo(302);
        assertThat(ownerWeb.get("/settings/security").status()).isEqualTo(200);
        assertThat(count("select count(*) from trusted_devices where user_id = ? and revoked_at is null", owner.id()))
                .isEqualTo(1);

        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int status = dev.gatehouse.OperatorCommands.resetTwoFactor(context, " " + owner.email().toUpperCase() + " ",
                new java.io.PrintStream(out, true), System.err);

        assertThat(status).isZero();
        assertThat(out.toString()).contains("Reset the two-step verification of operator-owner <" + owner.email()
                + ">: 1 method and every backup code removed");
        assertThat(count("select count(*) from second_factors where user_id = ?", owner.id())).isZero();
        assertThat(count("select count(*) from backup_codes where user_id = ?", owner.id())).isZero();
        assertThat(count("select count(*) from trusted_devices where user_id = ? and revoked_at is null", owner.id()))
                .isZero();
        assertThat(ownerWeb.get("/settings/security").status()).as("signed out everywhere").isEqualTo(302);
        assertThat(count("select count(*) from audit_events where user_id = ? and type = 'TWO_FACTOR_RESET_BY_OPERATOR'"
                + " and account_id is null", owner.id())).isEqualTo(1);
        assertThat(mail().await(owner.email(), "your two-step verification was reset").text())
                .contains("reset by the people who run this Gatehouse server, from its command line");
        assertThat(mail().await(admin.email(), "two-step verification of a member of operator-owner").text())
                .contains("reset the two-step verification of operator-owner (" + owner.email() + ")");
        WebSession back = browser();
        assertThat(signIn(back, owner.email(), PASSWORD).location()).as("the password alone, to set up a new method")
                .isEqualTo("/settings/security");
        assertThat(back.get("/settings/activity").body()).contains("Two-step verification reset by the server");

        // Run again: nothing left to remove, said so, and nobody emailed a second time.
        out.reset();
        assertThat(dev.gatehouse.OperatorCommands.resetTwoFactor(context, owner.email(),
                new java.io.PrintStream(out, true), System.err)).isZero();
        assertThat(out.toString()).contains("has no two-step method: nothing to remove, nobody emailed");
        awaitOutboxIdle();
        assertThat(mail().to(owner.email())).filteredOn(m -> m.subject().contains("verification was reset")).hasSize(1);
    }

    @Test
    void resetFromTheCommandLineWhenNoUserSignsInWithThatAddressThenSaysSoAndNothingChanges() {
        TwoFactorUser someone = twoFactorUser("operator-bystander");
        long resets = count("select count(*) from audit_events where type like 'TWO_FACTOR_RESET%'");
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();

        int status = dev.gatehouse.OperatorCommands.resetTwoFactor(context, "nobody-" + someone.email(), System.out,
                new java.io.PrintStream(err, true));

        assertThat(status).isEqualTo(1);
        assertThat(err.toString()).contains("no user signs in with nobody-" + someone.email() + " in this database; nobody was reset");
        assertThat(count("select count(*) from audit_events where type like 'TWO_FACTOR_RESET%'")).isEqualTo(resets);
        assertThat(count("select count(*) from second_factors where user_id = ?", someone.id())).isEqualTo(1);
    }

    /**
     * An admin's reset decided while an owner makes the member an owner at the same moment: read by stop 31's race
     * attacker, the checks were plain reads before the reset. Now they run under the account's lock, which the role
     * change takes first; held here by the test as the role change would, with the promotion committed before the
     * reset may look. An admin never resets an owner.
     */
    @Test
    void resetWhenTheMemberIsMadeAnOwnerAtTheSameMomentThenTheAdminsResetIsRefused() throws Exception {
        TwoFactorUser member = twoFactorUser("reset-race-member");
        TestUsers.Created owner = users().create("reset-race-owner");
        TestUsers.Created admin = users().create("reset-race-admin");
        join(owner.accountId(), member.id(), "MEMBER");
        onlyIn(owner.accountId(), member.id());
        join(owner.accountId(), admin.user().id(), "ADMIN");
        WebSession adminWeb = confirmed(admin);
        String reset = "/accounts/" + owner.accountId() + "/members/" + member.id() + "/reset-two-factor";
        adminWeb.get(reset);
        Page posted = dev.gatehouse.testsupport.Race.whileHeld(
                ctx.getBean(org.springframework.transaction.support.TransactionTemplate.class),
                () -> jdbc().sql("select id from accounts where id = ? for update").param(owner.accountId())
                        .query(UUID.class).single(),
                () -> jdbc().sql("update memberships set role = 'OWNER' where account_id = ? and user_id = ?")
                        .params(owner.accountId(), member.id()).update(),
                () -> adminWeb.post(reset, Map.of()));
        assertThat(posted.location()).isEqualTo("/accounts/" + owner.accountId() + "/settings");
        assertThat(count("select count(*) from second_factors where user_id = ?", member.id()))
                .as("the new owner's methods stay").isEqualTo(1);
    }

    @Test
    void resetWhenNotAllowedThenNothingIsRemoved() {
        TwoFactorUser victim = twoFactorUser("reset-victim");
        TestUsers.Created admin = users().create("reset-rogue");
        TestUsers.Created outsider = users().create("reset-outsider");
        join(victim.user().accountId(), admin.user().id(), "ADMIN");
        String reset = "/accounts/" + victim.user().accountId() + "/members/" + victim.id() + "/reset-two-factor";

        WebSession adminWeb = confirmed(admin);
        assertThat(adminWeb.get("/accounts/" + victim.user().accountId() + "/settings").body())
                .as("no reset link for an owner").doesNotContain(reset);
        Page refused = adminWeb.post(reset, Map.of());
        assertThat(adminWeb.follow(refused).body()).contains("Only an owner can reset the two-step verification");

        WebSession outsiderWeb = confirmed(outsider);
        assertThat(outsiderWeb.get(reset).status()).isEqualTo(404);
        outsiderWeb.get("/settings/security");
        assertThat(outsiderWeb.post(reset, Map.of()).status()).isEqualTo(404);
        // Someone else's account id with one's own account: the member must be in the account named.
        String elsewhere = "/accounts/" + outsider.accountId() + "/members/" + victim.id() + "/reset-two-factor";
        assertThat(outsiderWeb.post(elsewhere, Map.of()).status()).isEqualTo(404);

        // An admin of one account cannot weaken how a member of it signs in to another one: someone invited into
        // the attacker's own account keeps their methods.
        TwoFactorUser invited = twoFactorUser("reset-invited");
        join(admin.accountId(), invited.id(), "MEMBER");
        WebSession adminOwn = confirmed(admin);
        String own = "/accounts/" + admin.accountId() + "/members/" + invited.id() + "/reset-two-factor";
        adminOwn.get("/settings/security");
        assertThat(adminOwn.follow(adminOwn.post(own, Map.of())).body())
                .contains("also belongs to other accounts");

        assertThat(count("select count(*) from second_factors where user_id = ?", victim.id())).isEqualTo(1);
        assertThat(count("select count(*) from second_factors where user_id = ?", invited.id())).isEqualTo(1);
        assertThat(count("select count(*) from audit_events where user_id in (?, ?) and type = 'TWO_FACTOR_RESET'",
                victim.id(), invited.id())).isZero();
    }
}

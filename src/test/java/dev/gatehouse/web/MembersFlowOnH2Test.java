package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.gatehouse.account.DeviceTrustPeriod;
import dev.gatehouse.account.SecurityRulesService;
import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.testsupport.H2Test;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.testsupport.WebSession;
import dev.gatehouse.testsupport.WebSession.Page;

/**
 * The members page's admin actions over HTTP, as an attacker tries them (issue 13): a member posting the admin forms
 * gets "only for admins" (403), a member id or invitation of another account is a 404, a tampered role is a 422 that
 * changes nothing; and what the pages show: phone on file, last sign-in, the compliance counts and the notice listing
 * members without a phone while text messages are allowed.
 */
@H2Test
class MembersFlowOnH2Test extends WebFlowSupport {

    static final Set<String> KNOWN = Set.of("TOTP", "EMAIL", "SMS", "WEBAUTHN");
    static final String PHONE = "+447400123456";

    private void join(UUID accountId, UUID userId, String role) {
        jdbc().sql("insert into memberships (account_id, user_id, role, created_at) values (?, ?, ?, ?)")
                .params(accountId, userId, role, Timestamp.from(clock().instant())).update();
    }

    private String role(UUID accountId, UUID userId) {
        return jdbc().sql("select role from memberships where account_id = ? and user_id = ?")
                .params(accountId, userId).query(String.class).optional().orElse(null);
    }

    /** Signed in and re-confirmed, so that {@code @ConfirmFirst} routes run their handler. */
    private WebSession confirmed(TestUsers.Created who) {
        WebSession web = signedIn(who.email(), who.password());
        web.get("/settings/confirm?next=/settings/security");
        Page confirm = web.post("/settings/confirm", Map.of("password", who.password(), "next", "/settings/security"));
        assertThat(confirm.status()).isEqualTo(302);
        return web;
    }

    private static String members(UUID accountId) {
        return "/accounts/" + accountId + "/members/";
    }

    private UUID invitationId(UUID accountId, String email) {
        return jdbc().sql("select id from invitations where account_id = ? and email = ?").params(accountId, email)
                .query(UUID.class).single();
    }

    @Test
    void adminFormsWhenPostedByAMemberThenOnlyForAdminsAndWhenAnotherAccountsIdsThenNotFound() {
        TestUsers.Created owner = users().create("mf-owner");
        TestUsers.Created member = users().create("mf-member");
        TestUsers.Created other = users().create("mf-other");
        TestUsers.Created otherMember = users().create("mf-othermember");
        join(owner.accountId(), member.user().id(), "MEMBER");
        join(other.accountId(), otherMember.user().id(), "MEMBER");
        WebSession ownerWeb = confirmed(owner);
        ownerWeb.get("/accounts/" + owner.accountId() + "/settings");
        String invitee = unique("mf-invitee");
        assertThat(ownerWeb.post("/accounts/" + owner.accountId() + "/invitations",
                Map.of("email", invitee, "role", "MEMBER", "phone", PHONE)).status()).isEqualTo(302);
        UUID invitation = invitationId(owner.accountId(), invitee);
        String ownerRow = members(owner.accountId()) + owner.user().id();

        // A member of the account, re-confirmed, posting every admin form by hand: told these are for admins.
        WebSession memberWeb = confirmed(member);
        memberWeb.get("/settings/security");
        assertThat(memberWeb.get(ownerRow + "/role").status()).isEqualTo(403);
        assertThat(memberWeb.post(ownerRow + "/role", Map.of("role", "MEMBER")).status()).isEqualTo(403);
        assertThat(memberWeb.post(members(owner.accountId()) + member.user().id() + "/role", Map.of("role", "OWNER"))
                .status()).as("promoting oneself").isEqualTo(403);
        assertThat(memberWeb.get(ownerRow + "/remove").status()).isEqualTo(403);
        assertThat(memberWeb.post(ownerRow + "/remove", Map.of()).status()).isEqualTo(403);
        String invitations = "/accounts/" + owner.accountId() + "/invitations/" + invitation;
        assertThat(memberWeb.post(invitations + "/resend", Map.of()).status()).isEqualTo(403);
        Page revoke = memberWeb.post(invitations + "/revoke", Map.of());
        assertThat(revoke.status()).isEqualTo(403);
        assertThat(revoke.body()).contains("are for its owners and admins");

        // Another account's owner learns nothing, whichever ids they use.
        WebSession otherWeb = confirmed(other);
        otherWeb.get("/settings/security");
        assertThat(otherWeb.get(ownerRow + "/role").status()).isEqualTo(404);
        assertThat(otherWeb.post(ownerRow + "/role", Map.of("role", "MEMBER")).status()).isEqualTo(404);
        assertThat(otherWeb.post(ownerRow + "/remove", Map.of()).status()).isEqualTo(404);
        assertThat(otherWeb.post(invitations + "/revoke", Map.of()).status()).isEqualTo(404);
        // ... and naming their own account with this account's invitation or member does not work either.
        assertThat(otherWeb.post("/accounts/" + other.accountId() + "/invitations/" + invitation + "/revoke", Map.of())
                .status()).isEqualTo(404);
        assertThat(otherWeb.post(members(other.accountId()) + member.user().id() + "/remove", Map.of()).status())
                .isEqualTo(404);

        // The owner naming a member of another account in their own account's path: 404, nothing changes there.
        ownerWeb.get("/settings/security");
        String foreign = members(owner.accountId()) + otherMember.user().id();
        assertThat(ownerWeb.get(foreign + "/role").status()).isEqualTo(404);
        assertThat(ownerWeb.post(foreign + "/role", Map.of("role", "ADMIN")).status()).isEqualTo(404);
        assertThat(ownerWeb.post(foreign + "/remove", Map.of()).status()).isEqualTo(404);
        assertThat(ownerWeb.post(members(owner.accountId()) + UUID.randomUUID() + "/remove", Map.of()).status())
                .isEqualTo(404);

        assertThat(role(owner.accountId(), owner.user().id())).isEqualTo("OWNER");
        assertThat(role(owner.accountId(), member.user().id())).isEqualTo("MEMBER");
        assertThat(role(other.accountId(), otherMember.user().id())).isEqualTo("MEMBER");
        assertThat(count("select count(*) from invitations where id = ? and revoked_at is null", invitation))
                .isEqualTo(1);
        assertThat(count("select count(*) from audit_events where account_id in (?, ?) and type in"
                + " ('MEMBER_ROLE_CHANGED', 'MEMBER_REMOVED', 'INVITATION_RESENT', 'INVITATION_REVOKED')",
                owner.accountId(), other.accountId())).isZero();
    }

    @Test
    void roleWhenTamperedThenUnprocessableAndWhenAdminTouchesAnOwnerThenRefusedAndWhenOwnerThenChanged() {
        TestUsers.Created owner = users().create("rf-owner");
        TestUsers.Created admin = users().create("rf-admin");
        TestUsers.Created member = users().create("rf-member");
        join(owner.accountId(), admin.user().id(), "ADMIN");
        join(owner.accountId(), member.user().id(), "MEMBER");
        String memberRole = members(owner.accountId()) + member.user().id() + "/role";
        String ownerRole = members(owner.accountId()) + owner.user().id() + "/role";

        // Without re-confirmation, the page asks first and comes back.
        WebSession plain = signedIn(owner.email(), owner.password());
        plain.get("/settings/security");
        assertThat(plain.post(memberRole, Map.of("role", "ADMIN")).location())
                .isEqualTo("/settings/confirm?next=" + memberRole);

        WebSession ownerWeb = confirmed(owner);
        Page form = ownerWeb.get(memberRole);
        assertThat(form.status()).isEqualTo(200);
        assertThat(text(form)).contains("Change the role of rf-member", member.email(), "id=\"role-owner\"",
                "id=\"role-admin\"", "id=\"role-member\"");
        Page tampered = ownerWeb.post(memberRole, Map.of("role", "SUPERUSER"));
        assertThat(tampered.status()).isEqualTo(422);
        assertThat(tampered.body()).contains("id=\"role-error\"", "Choose a role.");
        assertThat(ownerWeb.post(memberRole, Map.of()).status()).as("no role at all").isEqualTo(422);
        assertThat(role(owner.accountId(), member.user().id())).isEqualTo("MEMBER");

        // An admin: no form for an owner, and a posted one is refused; nor may they make anyone an owner.
        WebSession adminWeb = confirmed(admin);
        Page adminForm = adminWeb.get(memberRole);
        assertThat(adminForm.body()).doesNotContain("id=\"role-owner\"").contains("id=\"role-admin\"");
        Page ownerForm = adminWeb.get(ownerRole);
        assertThat(ownerForm.status()).isEqualTo(302);
        assertThat(adminWeb.follow(ownerForm).body()).contains("Only an owner can change the role of an owner");
        Page demoteOwner = adminWeb.post(ownerRole, Map.of("role", "MEMBER"));
        assertThat(demoteOwner.status()).isEqualTo(409);
        assertThat(demoteOwner.body()).contains("Only an owner can change the role of an owner");
        assertThat(adminWeb.post(memberRole, Map.of("role", "OWNER")).status()).isEqualTo(409);
        assertThat(adminWeb.post(members(owner.accountId()) + owner.user().id() + "/remove", Map.of()).status())
                .isEqualTo(409);
        assertThat(role(owner.accountId(), owner.user().id())).isEqualTo("OWNER");

        // The last owner cannot step down.
        Page lastOwner = ownerWeb.post(ownerRole, Map.of("role", "ADMIN"));
        assertThat(lastOwner.status()).isEqualTo(409);
        assertThat(text(lastOwner)).contains("This is the last owner of the account");

        Page promoted = ownerWeb.post(memberRole, Map.of("role", "ADMIN"));
        assertThat(promoted.status()).isEqualTo(302);
        assertThat(promoted.location()).isEqualTo("/accounts/" + owner.accountId() + "/settings#member-"
                + member.user().id());
        assertThat(ownerWeb.follow(promoted).body()).contains("rf-member is now Admin. They have been emailed.");
        assertThat(role(owner.accountId(), member.user().id())).isEqualTo("ADMIN");
        assertThat(auditTypes(member.user().id())).containsExactly(AuditEventType.MEMBER_ROLE_CHANGED);
        assertThat(mail().await(member.email(), "your role in rf-owner Ltd changed").text())
                .contains("You are now an admin of rf-owner Ltd");
    }

    @Test
    void removeWhenOwnerRemovesAMemberThenTheirAccountPagesCloseAndTheyAreEmailed() {
        TestUsers.Created owner = users().create("rm-owner");
        TestUsers.Created admin = users().create("rm-admin");
        join(owner.accountId(), admin.user().id(), "ADMIN");
        WebSession adminWeb = signedIn(admin.email(), admin.password());
        assertThat(adminWeb.get("/accounts/" + owner.accountId() + "/settings").status()).isEqualTo(200);

        WebSession ownerWeb = confirmed(owner);
        String remove = members(owner.accountId()) + admin.user().id() + "/remove";
        Page confirm = ownerWeb.get(remove);
        assertThat(confirm.status()).isEqualTo(200);
        assertThat(text(confirm)).contains("Remove rm-admin from the account?", admin.email(), "id=\"remove-member\"");
        Page removed = ownerWeb.post(remove, Map.of());
        assertThat(removed.status()).isEqualTo(302);
        assertThat(ownerWeb.follow(removed).body()).contains("rm-admin was removed from the account.")
                .doesNotContain(admin.email());
        assertThat(role(owner.accountId(), admin.user().id())).isNull();

        // Their session goes on (their user is theirs), but this account's pages close at once.
        assertThat(adminWeb.get("/settings/security").status()).isEqualTo(200);
        assertThat(adminWeb.get("/accounts/" + owner.accountId() + "/settings").status()).isEqualTo(404);
        assertThat(auditTypes(admin.user().id())).endsWith(AuditEventType.MEMBER_REMOVED);
        assertThat(mail().await(admin.email(), "you were removed from rm-owner Ltd").text())
                .contains("You keep your sign-in");
    }

    @Test
    void invitationsWhenRevokedOrResentThenTheOldLinkSaysItIsNoLongerValid() {
        TestUsers.Created owner = users().create("inv-owner");
        WebSession web = confirmed(owner);
        String settings = "/accounts/" + owner.accountId() + "/settings";
        web.get(settings);
        String revoked = unique("inv-revoked");
        String resent = unique("inv-resent");
        for (String email : new String[] {revoked, resent}) {
            Page sent = web.post("/accounts/" + owner.accountId() + "/invitations",
                    Map.of("email", email, "role", "MEMBER", "phone", PHONE));
            assertThat(web.follow(sent).body()).contains("Invitation sent to " + email);
        }
        String revokedLink = path(mail().awaitNth(revoked, 1).link("/invite/"));
        String oldLink = path(mail().awaitNth(resent, 1).link("/invite/"));
        Page list = web.get(settings);
        UUID revokedId = invitationId(owner.accountId(), revoked);
        UUID resentId = invitationId(owner.accountId(), resent);
        assertThat(list.body()).contains("id=\"revoke-" + revokedId + "\"",
                "aria-label=\"Revoke the invitation to " + revoked + "\"", "id=\"resend-" + resentId + "\"");

        Page revoke = web.post("/accounts/" + owner.accountId() + "/invitations/" + revokedId + "/revoke", Map.of());
        assertThat(revoke.status()).isEqualTo(302);
        assertThat(web.follow(revoke).body()).contains("The invitation to " + revoked + " was revoked.");
        Page dead = browser().get(revokedLink);
        assertThat(dead.status()).isEqualTo(404);
        assertThat(text(dead)).contains("This link can't be used", "This invitation is not valid any more");
        assertThat(web.post("/accounts/" + owner.accountId() + "/invitations/" + revokedId + "/revoke", Map.of())
                .status()).as("revoked already").isEqualTo(404);

        Page resend = web.post("/accounts/" + owner.accountId() + "/invitations/" + resentId + "/resend", Map.of());
        assertThat(resend.status()).isEqualTo(302);
        String newLink = path(mail().awaitNth(resent, 2).link("/invite/"));
        assertThat(newLink).isNotEqualTo(oldLink);
        assertThat(browser().get(oldLink).status()).isEqualTo(404);
        assertThat(browser().get(newLink).status()).isEqualTo(200);
        assertThat(web.get(settings).body()).doesNotContain(revoked).contains(resent);
        assertThat(auditTypes(owner.user().id())).contains(AuditEventType.INVITATION_REVOKED,
                AuditEventType.INVITATION_RESENT);

        // A third email to the address in the hour is the last: "Send again" then says when it can be sent.
        web.get(settings);
        assertThat(web.post("/accounts/" + owner.accountId() + "/invitations/" + resentId + "/resend", Map.of())
                .status()).isEqualTo(302);
        web.get(settings);
        Page refused = web.follow(web.post("/accounts/" + owner.accountId() + "/invitations/" + resentId + "/resend",
                Map.of()));
        assertThat(text(refused)).contains("This address has had several emails from accounts in a short time",
                "You can send one again in");
        mail().awaitNth(resent, 3);
        assertThat(mail().to(resent)).as("no fourth email").hasSize(3);
    }

    @Test
    void inviteWhenTextMessagesAllowedThenThePhoneIsRequiredAndWhenNotThenNotAsked() {
        TestUsers.Created owner = users().create("ph-owner");
        WebSession web = confirmed(owner);
        String settings = "/accounts/" + owner.accountId() + "/settings";
        assertThat(web.get(settings).body()).contains("name=\"phone\"", "name=\"phoneCountry\"");
        Page missing = web.post("/accounts/" + owner.accountId() + "/invitations",
                Map.of("email", unique("ph-a"), "role", "MEMBER"));
        assertThat(missing.status()).isEqualTo(422);
        assertThat(missing.body()).contains("id=\"phone-error\"", "Enter a mobile number.");
        Page landline = web.post("/accounts/" + owner.accountId() + "/invitations",
                Map.of("email", unique("ph-b"), "role", "MEMBER", "phone", "020 7946 0958", "phoneCountry", "GB"));
        assertThat(landline.status()).isEqualTo(422);
        assertThat(text(landline)).contains("This number can't receive text messages", "value=\"020 7946 0958\"");
        assertThat(count("select count(*) from invitations where account_id = ?", owner.accountId())).isZero();

        ctx.getBean(SecurityRulesService.class).save(owner.accountId(), owner.user(), false, 0, Set.of("TOTP"),
                DeviceTrustPeriod.THIRTY_DAYS, KNOWN, ClientInfo.SYSTEM);
        assertThat(web.get(settings).body()).doesNotContain("name=\"phone\"", "id=\"missing-phone\"");
        assertThat(web.post("/accounts/" + owner.accountId() + "/invitations",
                Map.of("email", unique("ph-c"), "role", "MEMBER")).status()).isEqualTo(302);
    }

    @Test
    void complianceWhenSmsAllowedThenCountsAndANoticeLinkEachMemberWithoutAPhone() {
        TestUsers.Created owner = users().create("cp-owner");
        TestUsers.Created withPhone = users().create("cp-phone");
        TestUsers.Created without = users().create("cp-nophone");
        join(owner.accountId(), withPhone.user().id(), "MEMBER");
        join(owner.accountId(), without.user().id(), "MEMBER");
        jdbc().sql("update users set phone = ? where id = ?").params(PHONE, withPhone.user().id()).update();
        ctx.getBean(SecurityRulesService.class).save(owner.accountId(), owner.user(), true, 7, KNOWN,
                DeviceTrustPeriod.THIRTY_DAYS, KNOWN, ClientInfo.SYSTEM);

        WebSession web = confirmed(owner);
        web.get("/settings/security");
        web.post("/settings/two-factor/postpone", Map.of());
        String settings = "/accounts/" + owner.accountId() + "/settings";
        String rules = text(web.get(settings + "/security"));
        assertThat(rules).contains("Members who do not meet these rules: 3", "id=\"count-none\">No method yet: 3",
                "id=\"count-disallowed\">Only methods this account does not allow: 0",
                "id=\"count-phone\">No phone number: 2", "Members without a phone number: 2");
        assertThat(rules).containsPattern(without.email() + "</td>\\s*<td>No method yet; No phone number</td>")
                .containsPattern(withPhone.email() + "</td>\\s*<td>No method yet</td>");
        assertThat(rules).contains("href=\"" + settings + "#member-" + without.user().id() + "\"",
                "href=\"" + settings + "#member-" + owner.user().id() + "\"")
                .doesNotContain("id=\"missing-phone-" + withPhone.user().id() + "\"");

        Page page = web.get(settings);
        assertThat(page.body()).contains("id=\"missing-phone\"", "id=\"member-" + without.user().id() + "\"");
        String row = page.body().substring(page.body().indexOf("id=\"member-" + withPhone.user().id() + "\""));
        assertThat(row.substring(0, row.indexOf("</tr>"))).contains("On file", "Never");
        String ownerRow = page.body().substring(page.body().indexOf("id=\"member-" + owner.user().id() + "\""));
        assertThat(ownerRow.substring(0, ownerRow.indexOf("</tr>"))).contains("None").doesNotContain("Never")
                .containsPattern("\\d{1,2} \\w{3} \\d{4}, \\d{2}:\\d{2} UTC");

        // Text messages no longer allowed: the phone rule and its notice go; the method rule stays.
        ctx.getBean(SecurityRulesService.class).save(owner.accountId(), owner.user(), true, 7, Set.of("TOTP"),
                DeviceTrustPeriod.THIRTY_DAYS, KNOWN, ClientInfo.SYSTEM);
        String after = text(web.get(settings + "/security"));
        assertThat(after).contains("id=\"count-none\">No method yet: 3").doesNotContain("id=\"count-phone\"",
                "id=\"missing-phone\"");
    }
}

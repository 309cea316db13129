package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.gatehouse.account.AccountService;
import dev.gatehouse.account.Membership;
import dev.gatehouse.account.Role;
import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.testsupport.WebSession;
import dev.gatehouse.testsupport.WebSession.Page;

/** Account settings and invitations through HTTP. */
abstract class AccountFlowTests extends WebFlowSupport {

    @Test
    void accountSettingsWhenOwnerThenMembersWithRolesShown() {
        TestUsers.Created owner = users().create("owner");
        WebSession web = signedIn(owner.email(), PASSWORD);
        Page page = web.get(settings(owner.accountId()));
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("owner Ltd", "Members", owner.email(), "Owner", "Invite someone");
    }

    @Test
    void inviteWhenNewPersonThenMailedLinkLetsThemSetNameAndPasswordAndJoinAsMember() {
        TestUsers.Created owner = users().create("inviter");
        String email = unique("invitee");
        WebSession web = signedIn(owner.email(), PASSWORD);
        String link = invite(web, owner.accountId(), email, "MEMBER");
        assertThat(web.get(settings(owner.accountId())).body()).as("listed as invited").contains(email);

        WebSession invitee = browser();
        Page page = invitee.get(link);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("Join inviter Ltd", email, "name=\"displayName\"", "name=\"password\"");

        String before = invitee.cookie("GATEHOUSE_SESSION");
        Page joined = invitee.post(link, Map.of("displayName", "Ivy Invitee", "password", PASSWORD));
        assertThat(joined.status()).isEqualTo(302);
        assertThat(joined.location()).isEqualTo("/settings/security?joined");
        assertThat(invitee.cookie("GATEHOUSE_SESSION")).isNotEqualTo(before);
        Page security = invitee.get(joined.location());
        assertThat(security.status()).isEqualTo(200);
        assertThat(security.body()).contains(email, "You have joined inviter Ltd.");

        UUID inviteeId = userId(email);
        assertThat(memberships(inviteeId)).singleElement().satisfies(m -> {
            assertThat(m.accountId()).isEqualTo(owner.accountId());
            assertThat(m.role()).isEqualTo(Role.MEMBER);
        });
        assertThat(web.get(settings(owner.accountId())).body()).contains("Ivy Invitee");
        assertThat(auditTypes(inviteeId)).containsExactly(AuditEventType.SIGN_UP_COMPLETED,
                AuditEventType.INVITATION_ACCEPTED, AuditEventType.SIGN_IN);
        assertThat(auditTypes(owner.user().id())).containsExactly(AuditEventType.SIGN_IN, AuditEventType.INVITATION_SENT);

        // Once used, the link is spent.
        Page reused = browser().get(link);
        assertThat(reused.status()).isEqualTo(404);
        assertThat(text(reused)).contains("This link can't be used");
    }

    @Test
    void inviteWhenPersonHasUserInOtherAccountThenTheyAcceptAfterSignInAndBelongToBoth() {
        TestUsers.Created owner = users().create("host");
        TestUsers.Created guest = users().create("guest");
        WebSession web = signedIn(owner.email(), PASSWORD);
        String link = invite(web, owner.accountId(), guest.email(), "MEMBER");

        WebSession visitor = browser();
        Page page = visitor.get(link);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("Sign in to join").doesNotContain("name=\"password\"");

        Page toSignIn = visitor.get(link + "/join");
        assertThat(toSignIn.status()).isEqualTo(302);
        assertThat(toSignIn.location()).isEqualTo("/signin");
        visitor.get("/signin");
        Page signedIn = visitor.post("/signin", Map.of("email", guest.email(), "password", PASSWORD));
        assertThat(signedIn.status()).isEqualTo(302);
        assertThat(signedIn.location()).as("back to the invitation").isEqualTo(link + "/join");
        Page joinForm = visitor.follow(signedIn);
        assertThat(joinForm.status()).isEqualTo(200);
        assertThat(joinForm.body()).contains("You are signed in as " + guest.email());

        Page joined = visitor.post(link + "/join", Map.of());
        assertThat(joined.status()).isEqualTo(302);
        assertThat(joined.location()).isEqualTo("/settings/security");
        assertThat(text(visitor.get("/settings/security"))).contains("You have joined host Ltd.");

        assertThat(memberships(guest.user().id())).extracting(Membership::accountId)
                .containsExactlyInAnyOrder(guest.accountId(), owner.accountId());
        assertThat(auditTypes(guest.user().id())).containsExactly(AuditEventType.SIGN_IN,
                AuditEventType.INVITATION_ACCEPTED);
    }

    @Test
    void acceptAsNewUserWhenAddressAlreadyHasUserThenInvitationStillUsableAfterSignIn() {
        TestUsers.Created owner = users().create("keeper");
        TestUsers.Created guest = users().create("known");
        WebSession web = signedIn(owner.email(), PASSWORD);
        String link = invite(web, owner.accountId(), guest.email(), "MEMBER");

        // A stale or hand-made form posts a name and password for an address that has a user.
        WebSession visitor = browser();
        assertThat(visitor.get(link).body()).doesNotContain("name=\"password\"");
        visitor.get("/signin");
        Page answer = visitor.post(link, Map.of("displayName", "Impostor", "password", "another long password"));
        assertThat(answer.status()).isEqualTo(302);
        assertThat(answer.location()).isEqualTo(link + "/join");
        assertThat(count("select count(*) from users where email_normalized = lower(?)", guest.email())).isEqualTo(1);
        assertThat(memberships(guest.user().id())).hasSize(1);

        WebSession real = signedIn(guest.email(), PASSWORD);
        assertThat(real.get(link).body()).contains("You are signed in as");
        Page joined = real.post(link + "/join", Map.of());
        assertThat(joined.status()).isEqualTo(302);
        assertThat(joined.location()).isEqualTo("/settings/security");
        assertThat(memberships(guest.user().id())).hasSize(2);
    }

    @Test
    void joinWhenSignedInAsAnotherAddressThenRefusedAndNothingChanged() {
        TestUsers.Created owner = users().create("strict");
        TestUsers.Created someoneElse = users().create("else");
        WebSession web = signedIn(owner.email(), PASSWORD);
        String link = invite(web, owner.accountId(), unique("intended"), "MEMBER");

        WebSession wrong = signedIn(someoneElse.email(), PASSWORD);
        wrong.get(link);
        Page refused = wrong.post(link + "/join", Map.of());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(text(refused)).contains("This invitation is for");
        assertThat(memberships(someoneElse.user().id())).hasSize(1);
    }

    @Test
    void accountSettingsWhenMemberThenOnlyForAdminsAndWhenOutsiderThenNotFound() {
        TestUsers.Created owner = users().create("guarded");
        TestUsers.Created outsider = users().create("outsider");
        WebSession web = signedIn(owner.email(), PASSWORD);
        String memberEmail = unique("plain");
        String link = invite(web, owner.accountId(), memberEmail, "MEMBER");
        WebSession member = browser();
        member.get(link);
        assertThat(member.post(link, Map.of("displayName", "Plain Member", "password", PASSWORD)).status()).isEqualTo(302);

        // A member knows the account: they are told plainly that its settings are for admins (issue 13).
        Page memberPage = member.get(settings(owner.accountId()));
        assertThat(memberPage.status()).isEqualTo(403);
        assertThat(memberPage.body()).contains("Only for the account", "are for its owners and admins")
                .doesNotContain("Invite someone");
        member.get("/settings/security");
        Page memberInvite = member.post("/accounts/" + owner.accountId() + "/invitations",
                Map.of("email", unique("sneaky"), "role", "ADMIN", "phone", "+447400123456"));
        assertThat(memberInvite.status()).isEqualTo(403);

        WebSession stranger = signedIn(outsider.email(), PASSWORD);
        Page outsiderPage = stranger.get(settings(owner.accountId()));
        assertThat(outsiderPage.status()).isEqualTo(404);
        assertThat(outsiderPage.body()).doesNotContain("guarded Ltd");
        assertThat(stranger.get(settings(UUID.randomUUID())).status()).as("no such account").isEqualTo(404);
        assertThat(stranger.get("/accounts/not-a-uuid/settings").status()).isEqualTo(400);
        assertThat(count("select count(*) from invitations where account_id = ?", owner.accountId())).isEqualTo(1);
    }

    @Test
    void inviteWhenAdminThenConfirmItsYouFirstAndThenAllowed() {
        TestUsers.Created owner = users().create("chief");
        WebSession web = signedIn(owner.email(), PASSWORD);
        String adminEmail = unique("deputy");

        // Handing out control of the account is a security change: a stolen session alone cannot do it.
        web.get(settings(owner.accountId()));
        Page first = web.post("/accounts/" + owner.accountId() + "/invitations",
                Map.of("email", adminEmail, "role", "ADMIN", "phone", "+447400123456"));
        assertThat(first.status()).isEqualTo(403);
        assertThat(text(first)).contains("An admin can manage this account, so we ask you to confirm it's you");
        String confirm = "/settings/confirm?next=/accounts/" + owner.accountId() + "/settings";
        assertThat(first.body()).contains("href=\"" + confirm + "\"", "value=\"" + adminEmail + "\"",
                "<option value=\"ADMIN\" selected=\"selected\">");
        assertThat(count("select count(*) from invitations where account_id = ?", owner.accountId())).isZero();
        web.get(confirm);
        assertThat(web.post("/settings/confirm", Map.of("password", PASSWORD,
                "next", "/accounts/" + owner.accountId() + "/settings")).location()).isEqualTo(settings(owner.accountId()));
        // Back on the page, the form is as it was left (issue 13): the address and the role are still there.
        assertThat(web.get(settings(owner.accountId())).body()).contains("value=\"" + adminEmail + "\"",
                "<option value=\"ADMIN\" selected=\"selected\">");

        String link = invite(web, owner.accountId(), adminEmail, "ADMIN");
        WebSession admin = browser();
        admin.get(link);
        assertThat(admin.post(link, Map.of("displayName", "Deputy", "password", PASSWORD)).status()).isEqualTo(302);
        assertThat(memberships(userId(adminEmail))).singleElement()
                .satisfies(m -> assertThat(m.role()).isEqualTo(Role.ADMIN));

        Page settings = admin.get(settings(owner.accountId()));
        assertThat(settings.status()).isEqualTo(200);
        assertThat(settings.body()).contains("Deputy", "Admin");
        String next = unique("recruit");
        invite(admin, owner.accountId(), next, "MEMBER");
        assertThat(auditTypes(userId(adminEmail))).containsExactly(AuditEventType.SIGN_UP_COMPLETED,
                AuditEventType.INVITATION_ACCEPTED, AuditEventType.SIGN_IN, AuditEventType.INVITATION_SENT);
    }

    @Test
    void inviteWhenLinkTamperedThenClearPageAndNothingCreated() {
        TestUsers.Created owner = users().create("tamper");
        WebSession web = signedIn(owner.email(), PASSWORD);
        String email = unique("target");
        String link = invite(web, owner.accountId(), email, "MEMBER");
        String tampered = link.substring(0, link.length() - 1) + (link.endsWith("A") ? "B" : "A");

        WebSession visitor = browser();
        Page page = visitor.get(tampered);
        assertThat(page.status()).isEqualTo(404);
        assertThat(text(page)).contains("This link can't be used", "Ask for a new one");
        visitor.get("/signin");
        Page posted = visitor.post(tampered, Map.of("displayName", "Mallory", "password", PASSWORD));
        assertThat(posted.status()).isEqualTo(404);
        assertThat(text(posted)).contains("This link can't be used");
        assertThat(visitor.get("/invite/" + "z".repeat(3000)).status()).isEqualTo(404);
        assertThat(count("select count(*) from users where email_normalized = lower(?)", email)).isZero();
        assertThat(visitor.get(link).status()).as("the real link still works").isEqualTo(200);
    }

    @Test
    void inviteWhenAlreadyMemberOrBadAddressThenClearMessageAndNothingSent() {
        TestUsers.Created owner = users().create("careful");
        WebSession web = signedIn(owner.email(), PASSWORD);
        web.get(settings(owner.accountId()));
        Page self = web.post("/accounts/" + owner.accountId() + "/invitations",
                Map.of("email", owner.email().toUpperCase(), "role", "MEMBER", "phone", "+447400123456"));
        assertThat(self.status()).isEqualTo(422);
        assertThat(self.body()).contains("This person is already a member.");
        Page bad = web.post("/accounts/" + owner.accountId() + "/invitations",
                Map.of("email", "not an address", "role", "MEMBER", "phone", "+447400123456"));
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.body()).contains("Enter an email address like name@example.com.");
        Page owners = web.post("/accounts/" + owner.accountId() + "/invitations",
                Map.of("email", unique("owner2"), "role", "OWNER", "phone", "+447400123456"));
        assertThat(owners.status()).isEqualTo(422);
        assertThat(owners.body()).contains("Choose a role.");
        assertThat(count("select count(*) from invitations where account_id = ?", owner.accountId())).isZero();
        assertThat(auditTypes(owner.user().id())).containsExactly(AuditEventType.SIGN_IN);
    }

    /** Sends an invitation from the account settings page; returns the path of the emailed link. */
    private String invite(WebSession web, UUID accountId, String email, String role) {
        assertThat(web.get(settings(accountId)).status()).isEqualTo(200);
        Page sent = web.post("/accounts/" + accountId + "/invitations",
                Map.of("email", email, "role", role, "phone", "+447400123456"));
        assertThat(sent.status()).isEqualTo(302);
        assertThat(sent.location()).isEqualTo(settings(accountId));
        assertThat(web.get(sent.location()).body()).contains("Invitation sent to " + email);
        return path(mail().awaitNth(email, 1).link("/invite/"));
    }

    private java.util.List<Membership> memberships(UUID userId) {
        return ctx.getBean(AccountService.class).membershipsOf(userId);
    }

    private static String settings(UUID accountId) {
        return "/accounts/" + accountId + "/settings";
    }
}

package dev.gatehouse.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentMatchers;
import org.mockito.Mockito;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.util.AopTestUtils;
import org.springframework.test.util.ReflectionTestUtils;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.testsupport.DevMail;
import dev.gatehouse.testsupport.MutableClock;
import dev.gatehouse.testsupport.Race;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.user.PasswordHasher;

/**
 * Members management at the service (issue 13): an account always keeps an owner (also when its last two owners demote
 * each other at the same moment), admins never touch owners, a resent invitation voids its old link, a revoked one
 * stops working, and an invitation asks for a valid phone number exactly while the account allows text messages.
 * Run on H2 and on PostgreSQL ({@code MembersOnH2Test}, {@code MembersOnPostgresTest}): the races are the databases'.
 */
abstract class MembersTests {

    static final Set<String> KNOWN = Set.of("TOTP", "EMAIL", "SMS", "WEBAUTHN");
    static final ClientInfo CLIENT = new ClientInfo("198.51.100.23", "Mozilla/5.0 Firefox/140.0");
    static final String PHONE = "+447400123456";

    @Autowired
    ApplicationContext context;

    @Autowired
    MemberService members;

    @Autowired
    InvitationService invitations;

    @Autowired
    AccountService accounts;

    @Autowired
    SecurityRulesService rules;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MutableClock clock;

    TestUsers users;

    @BeforeEach
    void setUp() {
        users = new TestUsers(context);
    }

    private Role role(UUID accountId, UUID userId) {
        return accounts.membership(accountId, userId).map(Membership::role).orElse(null);
    }

    private long owners(UUID accountId) {
        return jdbc.sql("select count(*) from memberships where account_id = ? and role = 'OWNER'").param(accountId)
                .query(Long.class).single();
    }

    private List<String> audit(UUID accountId, String type) {
        return jdbc.sql("select user_id, detail from audit_events where account_id = ? and type = ? order by id")
                .params(accountId, type).query((rs, n) -> rs.getObject(1, UUID.class) + " " + rs.getString(2)).list();
    }

    @Test
    void changeRoleAndRemoveWhenLastOwnerThenRefusedAndNothingChanges() {
        TestUsers.Created owner = users.create("last-owner");
        TestUsers.Created admin = users.create("last-admin");
        accounts.addMember(owner.accountId(), admin.user().id(), Role.ADMIN);

        assertThat(members.changeRole(owner.accountId(), owner.user(), owner.user().id(), "ADMIN", CLIENT))
                .isEqualTo(new MemberService.Change.Refused("members.lastOwner"));
        assertThat(members.changeRole(owner.accountId(), owner.user(), owner.user().id(), "MEMBER", CLIENT))
                .isEqualTo(new MemberService.Change.Refused("members.lastOwner"));
        assertThat(members.remove(owner.accountId(), owner.user(), owner.user().id(), CLIENT))
                .as("nobody removes themselves here").isEqualTo(new MemberService.Change.Refused("members.remove.self"));
        assertThat(role(owner.accountId(), owner.user().id())).isEqualTo(Role.OWNER);

        // With a second owner, one of them may step down; then the other is the last again.
        assertThat(members.changeRole(owner.accountId(), owner.user(), admin.user().id(), "OWNER", CLIENT))
                .isInstanceOf(MemberService.Change.Done.class);
        assertThat(members.changeRole(owner.accountId(), admin.user(), owner.user().id(), "MEMBER", CLIENT))
                .isInstanceOf(MemberService.Change.Done.class);
        assertThat(members.remove(owner.accountId(), owner.user(), admin.user().id(), CLIENT))
                .as("a member cannot remove anyone").isEqualTo(new MemberService.Change.NotFound());
        assertThat(members.changeRole(owner.accountId(), admin.user(), admin.user().id(), "ADMIN", CLIENT))
                .isEqualTo(new MemberService.Change.Refused("members.lastOwner"));
        assertThat(owners(owner.accountId())).isEqualTo(1);
        assertThat(audit(owner.accountId(), "MEMBER_ROLE_CHANGED")).containsExactly(
                admin.user().id() + " ADMIN -> OWNER by last-owner (" + owner.user().id() + ")",
                owner.user().id() + " OWNER -> MEMBER by last-admin (" + admin.user().id() + ")");
    }

    @Test
    void changeRoleWhenTheTwoLastOwnersAreDemotedAtOnceThenExactlyOneStaysOwner() {
        for (int n = 0; n < 6; n++) {
            int round = n;
            TestUsers.Created ada = users.create("race-ada");
            TestUsers.Created bob = users.create("race-bob");
            accounts.addMember(ada.accountId(), bob.user().id(), Role.OWNER);
            // Each demotes the other (and, in the second form, themselves) at the same moment.
            List<MemberService.Change> results = Race.run(2, i -> i == 0
                    ? members.changeRole(ada.accountId(), ada.user(), round % 2 == 0 ? bob.user().id()
                            : ada.user().id(), "MEMBER", CLIENT)
                    : members.changeRole(ada.accountId(), bob.user(), round % 2 == 0 ? ada.user().id()
                            : bob.user().id(), "MEMBER", CLIENT));
            assertThat(results).as("round " + round).filteredOn(MemberService.Change.Done.class::isInstance).hasSize(1);
            assertThat(owners(ada.accountId())).as("round " + round).isEqualTo(1);
        }
    }

    @Test
    void inviteWhenOneAddressIsInvitedSixTimesAtOnceThenOneLiveInvitation() {
        TestUsers.Created owner = users.create("race-invite");
        for (int round = 0; round < 3; round++) {
            String email = "race-invite-" + UUID.randomUUID() + "@example.com";
            List<InvitationService.Invite> results = Race.run(6, i -> invitations.invite(owner.accountId(),
                    owner.user(), email, "MEMBER", PHONE, null, CLIENT));
            assertThat(results).as("round " + round).filteredOn(InvitationService.Invite.Sent.class::isInstance)
                    .hasSize(1);
            assertThat(jdbc.sql("select count(*) from invitations where email = ? and revoked_at is null")
                    .param(email).query(Long.class).single()).as("round " + round).isEqualTo(1);
        }
    }

    @Test
    void removeWhenTheTwoLastOwnersRemoveEachOtherAtOnceThenOneOwnerStays() {
        TestUsers.Created ada = users.create("race-rm-ada");
        TestUsers.Created bob = users.create("race-rm-bob");
        accounts.addMember(ada.accountId(), bob.user().id(), Role.OWNER);
        List<MemberService.Change> results = Race.run(2, i -> i == 0
                ? members.remove(ada.accountId(), ada.user(), bob.user().id(), CLIENT)
                : members.remove(ada.accountId(), bob.user(), ada.user().id(), CLIENT));
        assertThat(results).filteredOn(MemberService.Change.Done.class::isInstance).hasSize(1);
        assertThat(owners(ada.accountId())).isEqualTo(1);
    }

    @Test
    void changeRoleWhenAdminThenMembersAndAdminsOnlyNeverOwners() {
        TestUsers.Created owner = users.create("admin-owner");
        TestUsers.Created admin = users.create("admin-admin");
        TestUsers.Created member = users.create("admin-member");
        accounts.addMember(owner.accountId(), admin.user().id(), Role.ADMIN);
        accounts.addMember(owner.accountId(), member.user().id(), Role.MEMBER);
        UUID account = owner.accountId();

        assertThat(members.changeRole(account, admin.user(), owner.user().id(), "MEMBER", CLIENT))
                .isEqualTo(new MemberService.Change.Refused("members.role.ownersOnly"));
        assertThat(members.changeRole(account, admin.user(), member.user().id(), "OWNER", CLIENT))
                .isEqualTo(new MemberService.Change.Refused("members.role.ownersOnly"));
        assertThat(members.changeRole(account, admin.user(), admin.user().id(), "OWNER", CLIENT))
                .isEqualTo(new MemberService.Change.Refused("members.role.ownersOnly"));
        assertThat(members.remove(account, admin.user(), owner.user().id(), CLIENT))
                .isEqualTo(new MemberService.Change.Refused("members.remove.ownersOnly"));
        assertThat(members.changeRole(account, admin.user(), member.user().id(), "SUPERUSER", CLIENT))
                .isEqualTo(new MemberService.Change.InvalidRole());
        assertThat(role(account, owner.user().id())).isEqualTo(Role.OWNER);
        assertThat(role(account, member.user().id())).isEqualTo(Role.MEMBER);

        assertThat(members.changeRole(account, admin.user(), member.user().id(), "ADMIN", CLIENT))
                .isInstanceOf(MemberService.Change.Done.class);
        assertThat(members.changeRole(account, admin.user(), member.user().id(), "ADMIN", CLIENT))
                .isInstanceOf(MemberService.Change.Unchanged.class);
        assertThat(role(account, member.user().id())).isEqualTo(Role.ADMIN);
        assertThat(new DevMail(context).await(member.email(), "your role in admin-owner Ltd changed").text())
                .contains("admin-admin", "You are now an admin of admin-owner Ltd");

        // Another account's owner changes nothing here, whoever they name.
        TestUsers.Created stranger = users.create("admin-stranger");
        assertThat(members.changeRole(account, stranger.user(), member.user().id(), "MEMBER", CLIENT))
                .isEqualTo(new MemberService.Change.NotFound());
        assertThat(members.changeRole(stranger.accountId(), stranger.user(), member.user().id(), "MEMBER", CLIENT))
                .as("a member of another account, named by id").isEqualTo(new MemberService.Change.NotFound());
        assertThat(audit(account, "MEMBER_ROLE_CHANGED")).hasSize(1);
    }

    @Test
    void removeWhenDoneThenMembershipGoesUserStaysAuditedWithWhoAndEmailed() {
        TestUsers.Created owner = users.create("remove-owner");
        TestUsers.Created member = users.create("remove-member");
        accounts.addMember(owner.accountId(), member.user().id(), Role.MEMBER);

        assertThat(members.remove(owner.accountId(), owner.user(), member.user().id(), CLIENT))
                .isInstanceOf(MemberService.Change.Done.class);

        assertThat(accounts.membership(owner.accountId(), member.user().id())).isEmpty();
        assertThat(accounts.membershipsOf(member.user().id())).extracting(Membership::accountId)
                .containsExactly(member.accountId());
        assertThat(audit(owner.accountId(), "MEMBER_REMOVED")).containsExactly(
                member.user().id() + " MEMBER removed by remove-owner (" + owner.user().id() + ")");
        assertThat(new DevMail(context).await(member.email(), "you were removed from remove-owner Ltd").text())
                .contains(owner.email() + " (remove-owner), an admin of the account remove-owner Ltd, removed you"
                        + " from it"); // the address too: a display name is anyone's to choose
        assertThat(members.remove(owner.accountId(), owner.user(), member.user().id(), CLIENT))
                .as("gone already").isEqualTo(new MemberService.Change.NotFound());
    }

    /**
     * An invitation accepted as a new user hashes the chosen password in no transaction, as sign-up does: no pooled
     * connection and no claimed invitation waits for a turn of the node's hashing (left open by stop 32). Called as the
     * page calls it, through the application's own bean (a transaction it declared would be open at the hash); the
     * user is made and joins all the same.
     */
    @Test
    void acceptAsNewUserWhenItHashesThePasswordThenNoTransactionIsOpenAndTheUserJoins() {
        Object target = AopTestUtils.getTargetObject(invitations);
        PasswordHasher real = (PasswordHasher) ReflectionTestUtils.getField(target, "hasher");
        PasswordHasher hasher = Mockito.spy(real);
        List<Boolean> inTransaction = new CopyOnWriteArrayList<>();
        Mockito.doAnswer(call -> {
            inTransaction.add(TransactionSynchronizationManager.isActualTransactionActive());
            return call.callRealMethod();
        }).when(hasher).hash(ArgumentMatchers.anyString());
        TestUsers.Created owner = users.create("accept-hash-owner");
        String email = "accept-hash-" + UUID.randomUUID() + "@example.com";
        assertThat(invitations.invite(owner.accountId(), owner.user(), email, "MEMBER", PHONE, null, CLIENT))
                .isInstanceOf(InvitationService.Invite.Sent.class);

        ReflectionTestUtils.setField(target, "hasher", hasher);
        InvitationService.Acceptance accepted;
        try {
            accepted = invitations.acceptAsNewUser(token(email, 1), "Grace", TestUsers.PASSWORD, CLIENT);
        } finally {
            ReflectionTestUtils.setField(target, "hasher", real);
        }

        assertThat(inTransaction).containsExactly(false);
        assertThat(accepted).isInstanceOfSatisfying(InvitationService.Acceptance.Joined.class,
                joined -> assertThat(role(owner.accountId(), joined.user().id())).isEqualTo(Role.MEMBER));
    }

    private String token(String email, int nth) {
        String link = new DevMail(context).awaitNth(email, nth).link("/invite/");
        return link.substring(link.indexOf("/invite/") + "/invite/".length());
    }

    /**
     * One account cannot mail the world: anyone can sign up and own one, and an invitation carries the account's and
     * the inviter's own words in its subject (found by an outside attack in stop 31: twenty invitations to twenty
     * strangers in a few seconds). Fifty an hour by default, then nothing is sent or stored until the hour passes;
     * the refused address's own budget is untouched.
     */
    @Test
    void inviteWhenTheAccountSentFiftyInvitationsThisHourThenTheNextIsRefusedAndNothingStoredUntilItPasses() {
        TestUsers.Created owner = users.create("mass-owner");
        for (int i = 0; i < 50; i++) {
            assertThat(invitations.invite(owner.accountId(), owner.user(), "mass-" + i + "-" + UUID.randomUUID()
                    + "@example.com", "MEMBER", PHONE, null, CLIENT)).as("invitation %d", i + 1)
                    .isInstanceOf(InvitationService.Invite.Sent.class);
        }
        String next = "mass-next-" + UUID.randomUUID() + "@example.com";
        InvitationService.Invite refused = invitations.invite(owner.accountId(), owner.user(), next, "MEMBER", PHONE,
                null, CLIENT);
        assertThat(refused).isInstanceOfSatisfying(InvitationService.Invite.TooMany.class,
                tooMany -> assertThat(tooMany.byAccount()).as("the account's budget").isTrue());
        UUID first = invitations.pending(owner.accountId()).get(0).id();
        assertThat(invitations.resend(owner.accountId(), owner.user(), first, CLIENT))
                .as("sending again counts too").isInstanceOf(InvitationService.Handling.TooMany.class);
        assertThat(invitations.pending(owner.accountId())).hasSize(50);

        TestUsers.Created other = users.create("mass-other");
        assertThat(invitations.invite(other.accountId(), other.user(), next, "MEMBER", PHONE, null, CLIENT))
                .as("another account may still invite the refused address").isInstanceOf(InvitationService.Invite.Sent.class);
        clock.advance(Duration.ofHours(1));
        assertThat(invitations.invite(owner.accountId(), owner.user(), "mass-later-" + UUID.randomUUID()
                + "@example.com", "MEMBER", PHONE, null, CLIENT)).isInstanceOf(InvitationService.Invite.Sent.class);
    }

    @Test
    void inviteAndResendWhenTheAddressHadThreeInvitationsThisHourThenNoneSentFromAnyAccountUntilItPasses() {
        TestUsers.Created owner = users.create("flood-owner");
        String email = "flood-" + UUID.randomUUID() + "@example.com";
        invitations.invite(owner.accountId(), owner.user(), email, "MEMBER", PHONE, null, CLIENT);
        UUID id = invitations.pending(owner.accountId()).get(0).id();
        invitations.resend(owner.accountId(), owner.user(), id, CLIENT);
        assertThat(invitations.resend(owner.accountId(), owner.user(), id, CLIENT))
                .isEqualTo(new InvitationService.Handling.Done(email));
        // Senders run in parallel (outbox lanes), so the three emails may arrive in any order: of their three links,
        // the newest is the one that works, and it must still work after the refusals below.
        List<String> links = List.of(token(email, 1), token(email, 2), token(email, 3));

        InvitationService.Handling refused = invitations.resend(owner.accountId(), owner.user(), id, CLIENT);
        TestUsers.Created other = users.create("flood-other");
        InvitationService.Invite elsewhere = invitations.invite(other.accountId(), other.user(), email.toUpperCase(),
                "MEMBER", PHONE, null, CLIENT);

        assertThat(refused).isInstanceOf(InvitationService.Handling.TooMany.class);
        assertThat(elsewhere).as("the address's budget, whichever account asks")
                .isInstanceOf(InvitationService.Invite.TooMany.class);
        assertThat(links.stream().filter(t -> invitations.find(t).isPresent()).count())
                .as("the last link still works, and only it").isEqualTo(1);
        assertThat(invitations.pending(other.accountId())).as("nothing half-written").isEmpty();
        assertThat(audit(owner.accountId(), "INVITATION_RESENT")).hasSize(2);

        clock.advance(Duration.ofHours(1));
        assertThat(invitations.resend(owner.accountId(), owner.user(), id, CLIENT))
                .isEqualTo(new InvitationService.Handling.Done(email));
    }

    @Test
    void resendWhenDoneThenTheOldLinkStopsAndTheNewOneWorksForSevenDays() {
        TestUsers.Created owner = users.create("resend-owner");
        String email = "resend-" + UUID.randomUUID() + "@example.com";
        invitations.invite(owner.accountId(), owner.user(), email, "MEMBER", PHONE, null, CLIENT);
        String first = token(email, 1);
        UUID id = invitations.pending(owner.accountId()).get(0).id();

        clock.advance(Duration.ofDays(8));
        assertThat(invitations.find(first)).as("expired").isEmpty();
        assertThat(invitations.pending(owner.accountId())).singleElement()
                .satisfies(i -> assertThat(i.expired()).isTrue());

        assertThat(invitations.resend(owner.accountId(), owner.user(), id, CLIENT))
                .isEqualTo(new InvitationService.Handling.Done(email));
        String second = token(email, 2);
        assertThat(second).isNotEqualTo(first);
        assertThat(invitations.find(first)).isEmpty();
        assertThat(invitations.find(second)).isPresent();
        assertThat(invitations.pending(owner.accountId())).singleElement().satisfies(i -> {
            assertThat(i.expired()).isFalse();
            assertThat(i.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofDays(7)));
        });
        assertThat(invitations.acceptAsNewUser(first, "Late", TestUsers.PASSWORD, CLIENT))
                .isInstanceOf(InvitationService.Acceptance.InvalidLink.class);
        assertThat(audit(owner.accountId(), "INVITATION_RESENT")).containsExactly(owner.user().id() + " MEMBER");

        // Another account's owner cannot resend it by id.
        TestUsers.Created stranger = users.create("resend-stranger");
        assertThat(invitations.resend(stranger.accountId(), stranger.user(), id, CLIENT))
                .isEqualTo(new InvitationService.Handling.NotFound());
        assertThat(invitations.resend(owner.accountId(), stranger.user(), id, CLIENT))
                .isEqualTo(new InvitationService.Handling.NotFound());
        assertThat(invitations.find(second)).isPresent();
    }

    /**
     * An invitation goes with its sender's right to invite (found by an outside attack: an admin invited a second
     * address of theirs as an admin, was removed, and came back through the link). Removed or made a member, the
     * sender's open invitations are revoked; one whose sender lost the right some other way is refused all the same;
     * one sent again by a manager is theirs.
     */
    @Test
    void inviteWhenItsSenderIsRemovedOrMadeAMemberThenTheLinkNoLongerWorks() {
        TestUsers.Created owner = users.create("sender-owner");
        TestUsers.Created admin = users.create("sender-admin");
        accounts.addMember(owner.accountId(), admin.user().id(), Role.ADMIN);
        UUID account = owner.accountId();
        String removedAs = "sender-removed-" + UUID.randomUUID() + "@example.com";
        String demotedAs = "sender-demoted-" + UUID.randomUUID() + "@example.com";
        String leftOver = "sender-left-" + UUID.randomUUID() + "@example.com";
        String resent = "sender-resent-" + UUID.randomUUID() + "@example.com";
        for (String email : List.of(removedAs, demotedAs, leftOver, resent)) {
            assertThat(invitations.invite(account, admin.user(), email, "ADMIN", PHONE, null, CLIENT))
                    .isInstanceOf(InvitationService.Invite.Sent.class);
        }
        String demotedToken = token(demotedAs, 1);
        assertThat(invitations.find(demotedToken)).isPresent();

        assertThat(members.changeRole(account, owner.user(), admin.user().id(), "MEMBER", CLIENT))
                .isInstanceOf(MemberService.Change.Done.class);
        assertThat(invitations.find(demotedToken)).isEmpty();
        assertThat(invitations.acceptAsNewUser(demotedToken, "Back door", TestUsers.PASSWORD, CLIENT))
                .isInstanceOf(InvitationService.Acceptance.InvalidLink.class);
        assertThat(invitations.pending(account)).isEmpty();
        assertThat(audit(account, "MEMBER_ROLE_CHANGED")).singleElement().asString()
                .contains("4 invitations they sent revoked");

        // Left open by some other way (the rows written back as if never revoked): refused all the same, and no
        // longer listed.
        jdbc.sql("update invitations set revoked_at = null where account_id = ? and email = ?")
                .params(account, leftOver).update();
        String leftOverToken = token(leftOver, 1);
        assertThat(invitations.find(leftOverToken)).isEmpty();
        assertThat(invitations.acceptAsNewUser(leftOverToken, "Back door", TestUsers.PASSWORD, CLIENT))
                .isInstanceOf(InvitationService.Acceptance.InvalidLink.class);
        assertThat(invitations.pending(account)).isEmpty();

        // Made an admin again, they invite twice; the owner sends one of them again, which makes it the owner's.
        // Then removed: what they sent goes with them, what the owner sent stays.
        assertThat(members.changeRole(account, owner.user(), admin.user().id(), "ADMIN", CLIENT))
                .isInstanceOf(MemberService.Change.Done.class);
        assertThat(invitations.invite(account, admin.user(), removedAs, "ADMIN", PHONE, null, CLIENT))
                .isInstanceOf(InvitationService.Invite.Sent.class);
        jdbc.sql("delete from invitations where account_id = ? and email = ?").params(account, resent).update();
        assertThat(invitations.invite(account, admin.user(), resent, "MEMBER", PHONE, null, CLIENT))
                .isInstanceOf(InvitationService.Invite.Sent.class);
        UUID resentId = invitations.pending(account).stream().filter(i -> i.email().equals(resent)).findFirst()
                .orElseThrow().id();
        assertThat(invitations.resend(account, owner.user(), resentId, CLIENT))
                .isEqualTo(new InvitationService.Handling.Done(resent));
        String removedToken = token(removedAs, 2);
        String resentToken = token(resent, 3);
        assertThat(members.remove(account, owner.user(), admin.user().id(), CLIENT))
                .isInstanceOf(MemberService.Change.Done.class);
        assertThat(invitations.acceptAsNewUser(removedToken, "Back door", TestUsers.PASSWORD, CLIENT))
                .isInstanceOf(InvitationService.Acceptance.InvalidLink.class);
        assertThat(invitations.find(resentToken)).as("sent again by the owner: the owner's").isPresent();
        assertThat(jdbc.sql("select count(*) from memberships where account_id = ?").param(account)
                .query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void revokeWhenDoneThenTheLinkStopsWorkingAndCannotBeResentOrUsed() {
        TestUsers.Created owner = users.create("revoke-owner");
        TestUsers.Created stranger = users.create("revoke-stranger");
        String email = "revoke-" + UUID.randomUUID() + "@example.com";
        invitations.invite(owner.accountId(), owner.user(), email, "ADMIN", PHONE, null, CLIENT);
        String token = token(email, 1);
        UUID id = invitations.pending(owner.accountId()).get(0).id();

        assertThat(invitations.revoke(stranger.accountId(), stranger.user(), id, CLIENT))
                .isEqualTo(new InvitationService.Handling.NotFound());
        assertThat(invitations.find(token)).isPresent();

        assertThat(invitations.revoke(owner.accountId(), owner.user(), id, CLIENT))
                .isEqualTo(new InvitationService.Handling.Done(email));
        assertThat(invitations.find(token)).isEmpty();
        assertThat(invitations.pending(owner.accountId())).isEmpty();
        assertThat(invitations.acceptAsNewUser(token, "Eve", TestUsers.PASSWORD, CLIENT))
                .isInstanceOf(InvitationService.Acceptance.InvalidLink.class);
        assertThat(invitations.resend(owner.accountId(), owner.user(), id, CLIENT))
                .isEqualTo(new InvitationService.Handling.NotFound());
        assertThat(invitations.revoke(owner.accountId(), owner.user(), id, CLIENT))
                .isEqualTo(new InvitationService.Handling.NotFound());
        assertThat(audit(owner.accountId(), "INVITATION_REVOKED")).containsExactly(owner.user().id() + " ADMIN");
        assertThat(jdbc.sql("select count(*) from users where email_normalized = lower(?)").param(email)
                .query(Long.class).single()).isZero();
    }

    @Test
    void inviteWhenTextMessagesAllowedThenAValidPhoneIsRequiredAndBecomesTheMembersPhone() {
        TestUsers.Created owner = users.create("phone-owner");
        UUID account = owner.accountId();
        assertThat(rules.phoneRequired(account)).as("new accounts allow every method").isTrue();

        assertThat(invitations.invite(account, owner.user(), "p1-" + UUID.randomUUID() + "@example.com", "MEMBER",
                "", null, CLIENT)).isEqualTo(new InvitationService.Invite.Invalid(
                        new FieldProblems(java.util.Map.of("phone", "sms.phone.required"))));
        assertThat(invitations.invite(account, owner.user(), "p2-" + UUID.randomUUID() + "@example.com", "MEMBER",
                "020 7946 0958", "GB", CLIENT)).as("a landline").isEqualTo(new InvitationService.Invite.Invalid(
                        new FieldProblems(java.util.Map.of("phone", "sms.phone.notMobile"))));
        assertThat(invitations.pending(account)).isEmpty();

        String email = "p3-" + UUID.randomUUID() + "@example.com";
        assertThat(invitations.invite(account, owner.user(), email, "MEMBER", "07400 123456", "GB", CLIENT))
                .isInstanceOf(InvitationService.Invite.Sent.class);
        assertThat(jdbc.sql("select phone from invitations where email = ?").param(email).query(String.class).single())
                .isEqualTo(PHONE);
        assertThat(invitations.acceptAsNewUser(token(email, 1), "Phoebe", TestUsers.PASSWORD, CLIENT))
                .isInstanceOf(InvitationService.Acceptance.Joined.class);
        assertThat(jdbc.sql("select phone, phone_verified_at from users where email = ?").param(email)
                .query((rs, n) -> rs.getString(1) + " " + rs.getObject(2)).single())
                .as("on file, not verified").isEqualTo(PHONE + " null");

        // Someone with a number of their own keeps it.
        TestUsers.Created known = users.create("phone-known");
        jdbc.sql("update users set phone = '+447700900123' where id = ?").param(known.user().id()).update();
        invitations.invite(account, owner.user(), known.email(), "MEMBER", PHONE, null, CLIENT);
        assertThat(invitations.acceptAsExistingUser(token(known.email(), 1), known.user(), CLIENT))
                .isInstanceOf(InvitationService.Acceptance.Joined.class);
        assertThat(jdbc.sql("select phone from users where id = ?").param(known.user().id()).query(String.class)
                .single()).isEqualTo("+447700900123");
    }

    @Test
    void inviteWhenTextMessagesNotAllowedThenNoPhoneIsAskedOrStored() {
        TestUsers.Created owner = users.create("nophone-owner");
        rules.save(owner.accountId(), owner.user(), false, 0, Set.of("TOTP", "WEBAUTHN"),
                DeviceTrustPeriod.THIRTY_DAYS, KNOWN, CLIENT);
        assertThat(rules.phoneRequired(owner.accountId())).isFalse();
        String email = "nophone-" + UUID.randomUUID() + "@example.com";
        assertThat(invitations.invite(owner.accountId(), owner.user(), email, "MEMBER", "", null, CLIENT))
                .isInstanceOf(InvitationService.Invite.Sent.class);
        assertThat(jdbc.sql("select count(*) from invitations where email = ? and phone is null").param(email)
                .query(Long.class).single()).isEqualTo(1);
        assertThat(invitations.invite(owner.accountId(), owner.user(), email.toUpperCase(), "MEMBER", "", null, CLIENT))
                .as("one open invitation per address").isEqualTo(new InvitationService.Invite.Invalid(
                        new FieldProblems(java.util.Map.of("email", "members.invite.alreadyInvited"))));
    }
}

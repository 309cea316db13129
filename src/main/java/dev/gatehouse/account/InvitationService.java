package dev.gatehouse.account;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.crypto.RandomCodes;
import dev.gatehouse.crypto.Tokens;
import dev.gatehouse.notify.EmailMessage;
import dev.gatehouse.notify.Notifier;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.system.Db;
import dev.gatehouse.system.GatehouseProperties;
import dev.gatehouse.system.Inputs;
import dev.gatehouse.user.PasswordHasher;
import dev.gatehouse.user.PasswordPolicy;
import dev.gatehouse.user.User;
import dev.gatehouse.user.UserService;

/**
 * Invitations into an account. The link is the proof that its holder reads the invited address, so accepting it as a
 * new user needs no further email check. An invitation is for one address: a signed-in user with another address
 * cannot use it.
 */
@Service
public class InvitationService {

    static final Duration VALIDITY = Duration.ofDays(7);

    private final JdbcClient jdbc;
    private final AccountService accounts;
    private final UserService users;
    private final PasswordPolicy policy;
    private final PasswordHasher hasher;
    private final Notifier notifier;
    private final AuditLog audit;
    private final GatehouseProperties gatehouse;
    private final Clock clock;
    private final SecurityRulesService rules;
    private final PhoneNumberCheck phones;
    private final AddressMailBudget mailBudget;
    private final TransactionTemplate tx;

    InvitationService(JdbcClient jdbc, AccountService accounts, UserService users, PasswordPolicy policy,
                      PasswordHasher hasher, Notifier notifier, AuditLog audit, GatehouseProperties gatehouse,
                      Clock clock, SecurityRulesService rules, PhoneNumberCheck phones,
                      AddressMailBudget mailBudget, TransactionTemplate tx) {
        this.tx = tx;
        this.mailBudget = mailBudget;
        this.rules = rules;
        this.phones = phones;
        this.jdbc = jdbc;
        this.accounts = accounts;
        this.users = users;
        this.policy = policy;
        this.hasher = hasher;
        this.notifier = notifier;
        this.audit = audit;
        this.gatehouse = gatehouse;
        this.clock = clock;
    }

    public sealed interface Invite {
        record Sent(String email) implements Invite { }
        record Invalid(FieldProblems problems) implements Invite { }
        /** The inviter may not manage this account (or it does not exist: the two are not told apart). */
        record NotAllowed() implements Invite { }
        /**
         * The address has had enough emails from accounts lately, or this account has sent enough
         * ({@code byAccount}; {@link AddressMailBudget}): none sent or stored.
         */
        record TooMany(Instant until, boolean byAccount) implements Invite { }
    }

    /**
     * Invites {@code email} as {@code role} (ADMIN or MEMBER). While the account requires a phone number on file
     * ({@link SecurityRulesService#phoneRequired(UUID)}), {@code phone} must be a number text messages may go to
     * ({@code country}: the country of a number typed without +); it becomes the member's phone when they join.
     * Otherwise the phone is not asked for and is ignored.
     */
    @Transactional
    public Invite invite(UUID accountId, User inviter, String email, String role, String phone, String country,
                         ClientInfo client) {
        // One invitation at a time per account, and after any removal or role change of the inviter that committed
        // first (MemberService takes the same lock): the checks below (the inviter's role, a member already, one live
        // invitation per address) and the insert then see each other (found by an outside attack: six parallel
        // invitations of one address left two or three live links).
        jdbc.sql("select id from accounts where id = ? for update").param(accountId).query(UUID.class).optional();
        Optional<Membership> manager = accounts.membership(accountId, inviter.id()).filter(m -> m.role().canManage());
        if (manager.isEmpty()) {
            return new Invite.NotAllowed();
        }
        Role invitedRole = "ADMIN".equals(role) ? Role.ADMIN : "MEMBER".equals(role) ? Role.MEMBER : null;
        String e164 = null;
        Optional<String> phoneProblem = Optional.empty();
        if (rules.phoneRequired(accountId)) {
            PhoneNumberCheck.Result checked = phones.check(phone, country);
            if (checked instanceof PhoneNumberCheck.Result.Valid valid) {
                e164 = valid.e164();
            } else {
                phoneProblem = Optional.of(((PhoneNumberCheck.Result.Invalid) checked).problemKey());
            }
        }
        FieldProblems problems = FieldProblems.builder()
                .check("email", Inputs.emailProblem(email))
                .check("role", invitedRole == null ? Optional.of("invite.role.invalid") : Optional.empty())
                .check("phone", phoneProblem)
                .build();
        if (problems.isEmpty() && accounts.members(accountId).stream()
                .anyMatch(m -> Inputs.normalizeEmail(m.email()).equals(Inputs.normalizeEmail(email)))) {
            problems = new FieldProblems(Map.of("email", "invite.email.alreadyMember"));
        }
        if (problems.isEmpty() && !pendingFor(accountId, email).isEmpty()) {
            // One live invitation per address: a second would leave two links, and "Resend" is there for that.
            problems = new FieldProblems(Map.of("email", "members.invite.alreadyInvited"));
        }
        if (!problems.isEmpty()) {
            return new Invite.Invalid(problems);
        }
        Instant now = clock.instant();
        String address = Inputs.trim(email);
        Optional<AddressMailBudget.Busy> busy = mailBudget.take(accountId, address, now);
        if (busy.isPresent()) {
            return new Invite.TooMany(busy.get().until(), busy.get().account());
        }
        String token = RandomCodes.token();
        jdbc.sql("""
                insert into invitations (id, account_id, email, role, token_hash, invited_by, created_at, expires_at,
                                         phone)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(UUID.randomUUID(), accountId, address, invitedRole.name(), Tokens.sha256(token), inviter.id(),
                        Db.ts(now), Db.ts(now.plus(VALIDITY)), e164)
                .update();
        audit.record(AuditEventType.INVITATION_SENT, inviter.id(), accountId, client, invitedRole.name());
        mail(address, inviter, manager.get().accountName(), invitedRole, token, now);
        return new Invite.Sent(address);
    }

    private void mail(String address, User inviter, String accountName, Role role, String token, Instant now) {
        notifier.send(new EmailMessage(address, "invitation", Map.of(
                "inviterName", inviter.named(), "accountName", accountName,
                "role", role == Role.ADMIN ? "an admin" : "a member",
                "link", gatehouse.link("/invite/" + token), "validDays", VALIDITY.toDays()), now.plus(VALIDITY)));
    }

    /**
     * The account's invitations not accepted and not revoked, newest first; expired ones too (marked), so that they
     * can be sent again.
     */
    public List<PendingInvitation> pending(UUID accountId) {
        Instant now = clock.instant();
        return jdbc.sql("""
                select id, email, role, expires_at from invitations
                where account_id = ? and accepted_at is null and revoked_at is null
                and\s""" + senderStillManages("invitations") + " order by created_at desc, id")
                .param(accountId)
                .query((rs, n) -> new PendingInvitation(rs.getObject(1, UUID.class), rs.getString(2),
                        Role.valueOf(rs.getString(3)), Db.instant(rs, "expires_at"),
                        !Db.instant(rs, "expires_at").isAfter(now)))
                .list();
    }

    private List<PendingInvitation> pendingFor(UUID accountId, String email) {
        String normalized = Inputs.normalizeEmail(email);
        return pending(accountId).stream().filter(i -> !i.expired())
                .filter(i -> Inputs.normalizeEmail(i.email()).equals(normalized)).toList();
    }

    /** What came of a resend or a revocation. */
    public sealed interface Handling {
        /** Done; {@code email}: the invited address, for the page to name. */
        record Done(String email) implements Handling { }
        /**
         * {@code by} does not manage the account, or the invitation is not one of its open ones (accepted or revoked
         * meanwhile, or another account's): not told apart.
         */
        record NotFound() implements Handling { }
        /** The address, or this account, has had enough emails lately ({@link Invite.TooMany}): nothing changed. */
        record TooMany(Instant until, boolean byAccount) implements Handling { }
    }

    /**
     * Sends the invitation again with a new link valid for {@link #VALIDITY} from now; the old link stops working at
     * once (its hash is replaced). An expired invitation may be sent again too. Audited on {@code by}.
     */
    @Transactional
    public Handling resend(UUID accountId, User by, UUID invitationId, ClientInfo client) {
        Optional<Membership> manager = accounts.membership(accountId, by.id()).filter(m -> m.role().canManage());
        Optional<PendingInvitation> invitation = manager.isEmpty() ? Optional.empty()
                : pending(accountId).stream().filter(i -> i.id().equals(invitationId)).findFirst();
        if (invitation.isEmpty()) {
            return new Handling.NotFound();
        }
        Instant now = clock.instant();
        Optional<AddressMailBudget.Busy> busy = mailBudget.take(accountId, invitation.get().email(), now);
        if (busy.isPresent()) {
            return new Handling.TooMany(busy.get().until(), busy.get().account());
        }
        String token = RandomCodes.token();
        int updated = jdbc.sql("""
                update invitations set token_hash = ?, expires_at = ?, invited_by = ?
                where id = ? and account_id = ? and accepted_at is null and revoked_at is null""")
                .params(Tokens.sha256(token), Db.ts(now.plus(VALIDITY)), by.id(), invitationId, accountId).update();
        if (updated != 1) {
            return new Handling.NotFound();
        }
        audit.record(AuditEventType.INVITATION_RESENT, by.id(), accountId, client, invitation.get().role().name());
        mail(invitation.get().email(), by, manager.get().accountName(), invitation.get().role(), token, now);
        return new Handling.Done(invitation.get().email());
    }

    /** Takes the invitation back: its link answers "not valid any more" from now on. Audited on {@code by}. */
    @Transactional
    public Handling revoke(UUID accountId, User by, UUID invitationId, ClientInfo client) {
        Optional<Membership> manager = accounts.membership(accountId, by.id()).filter(m -> m.role().canManage());
        Optional<PendingInvitation> invitation = manager.isEmpty() ? Optional.empty()
                : pending(accountId).stream().filter(i -> i.id().equals(invitationId)).findFirst();
        if (invitation.isEmpty()) {
            return new Handling.NotFound();
        }
        int updated = jdbc.sql("""
                update invitations set revoked_at = ?
                where id = ? and account_id = ? and accepted_at is null and revoked_at is null""")
                .params(Db.ts(clock.instant()), invitationId, accountId).update();
        if (updated != 1) {
            return new Handling.NotFound();
        }
        audit.record(AuditEventType.INVITATION_REVOKED, by.id(), accountId, client,
                invitation.get().role().name());
        return new Handling.Done(invitation.get().email());
    }

    /** What the invitation page shows. {@code registered} tells whether the invited address has a user already. */
    public record Invitation(UUID id, UUID accountId, String accountName, String email, Role role, String inviterName,
                             boolean registered, String phone) {
    }

    /**
     * An invitation is good only while its sender still manages the account (SQL on the invitations row named
     * {@code invitation}): removed or made a member, their open invitations are revoked ({@link MemberService}), and
     * this refuses any left over.
     */
    private static String senderStillManages(String invitation) {
        return "exists (select 1 from memberships m where m.account_id = " + invitation + ".account_id"
                + " and m.user_id = " + invitation + ".invited_by and m.role in ('OWNER', 'ADMIN'))";
    }

    public Optional<Invitation> find(String token) {
        if (token == null || token.length() > 100) {
            return Optional.empty();
        }
        return jdbc.sql("""
                select i.id, i.account_id, a.name, i.email, i.role, u.display_name, i.phone from invitations i
                join accounts a on a.id = i.account_id join users u on u.id = i.invited_by
                where i.token_hash = ? and i.accepted_at is null and i.revoked_at is null and i.expires_at > ?
                and\s""" + senderStillManages("i"))
                .params(Tokens.sha256(token), Db.ts(clock.instant()))
                .query((rs, n) -> new Invitation(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getString(3), rs.getString(4), Role.valueOf(rs.getString(5)), rs.getString(6),
                        users.findByEmail(rs.getString(4)).isPresent(), rs.getString(7)))
                .optional();
    }

    public sealed interface Acceptance {
        /** @param accountName the joined account's name, as the invitation had it (for the page that says so) */
        record Joined(User user, UUID accountId, String accountName) implements Acceptance { }
        record Invalid(FieldProblems problems) implements Acceptance { }
        record InvalidLink() implements Acceptance { }
        /** The invited address has a user: they must sign in as that user to accept. */
        record SignInFirst() implements Acceptance { }
        /** Signed in as someone other than the invited address. */
        record WrongUser(String invitedEmail) implements Acceptance { }
    }

    /**
     * Accepts as a new user with the invited address, who chooses a name and password. The password is hashed before
     * any transaction, so no pooled connection and no claimed invitation waits for a turn of the node's hashing (as
     * sign-up); refused there because the node is hashing at its limit ({@code HashingBusy}), nothing is written and
     * the link still works. The claim checks the invitation again, in the transaction that makes the user.
     */
    public Acceptance acceptAsNewUser(String token, String displayName, String password, ClientInfo client) {
        Optional<Invitation> invitation = find(token);
        if (invitation.isEmpty()) {
            return new Acceptance.InvalidLink();
        }
        if (invitation.get().registered()) {
            // Only that user, signed in, may accept; nothing is claimed, so the link still works for them.
            return new Acceptance.SignInFirst();
        }
        FieldProblems problems = FieldProblems.builder()
                .check("displayName", Inputs.nameProblem(displayName))
                .check("password", policy.problem(password))
                .build();
        if (!problems.isEmpty()) {
            return new Acceptance.Invalid(problems);
        }
        String passwordHash = hasher.hash(password);
        return tx.execute(status -> {
            if (!claim(invitation.get().id())) {
                return new Acceptance.InvalidLink();
            }
            Optional<User> user = users.create(invitation.get().email(), displayName, passwordHash);
            if (user.isEmpty()) {
                // The address got a user since the check above: give the invitation back for the sign-in path.
                jdbc.sql("update invitations set accepted_at = null where id = ? and accepted_by is null")
                        .param(invitation.get().id()).update();
                return new Acceptance.SignInFirst();
            }
            audit.record(AuditEventType.SIGN_UP_COMPLETED, user.get().id(), invitation.get().accountId(), client,
                    "invitation");
            return join(invitation.get(), user.get(), client);
        });
    }

    /** Accepts as the signed-in user, whose address must be the invited one. */
    @Transactional
    public Acceptance acceptAsExistingUser(String token, User user, ClientInfo client) {
        Optional<Invitation> invitation = find(token);
        if (invitation.isEmpty()) {
            return new Acceptance.InvalidLink();
        }
        if (!Inputs.normalizeEmail(invitation.get().email()).equals(Inputs.normalizeEmail(user.email()))) {
            return new Acceptance.WrongUser(invitation.get().email());
        }
        if (!claim(invitation.get().id())) {
            return new Acceptance.InvalidLink();
        }
        return join(invitation.get(), user, client);
    }

    private boolean claim(UUID invitationId) {
        Instant now = clock.instant();
        return jdbc.sql("""
                update invitations set accepted_at = ?
                where id = ? and accepted_at is null and revoked_at is null and expires_at > ?
                and\s""" + senderStillManages("invitations"))
                .params(Db.ts(now), invitationId, Db.ts(now)).update() == 1;
    }

    private Acceptance join(Invitation invitation, User user, ClientInfo client) {
        jdbc.sql("update invitations set accepted_by = ? where id = ?").params(user.id(), invitation.id()).update();
        accounts.addMember(invitation.accountId(), user.id(), invitation.role());
        if (invitation.phone() != null) {
            // The number the admin gave becomes the member's own, unverified, unless they have one already (theirs
            // wins: they may have proved it). Only this column of users is written here.
            jdbc.sql("update users set phone = ? where id = ? and phone is null").params(invitation.phone(), user.id())
                    .update();
        }
        audit.record(AuditEventType.INVITATION_ACCEPTED, user.id(), invitation.accountId(), client, invitation.role().name());
        return new Acceptance.Joined(user, invitation.accountId(), invitation.accountName());
    }
}

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

    InvitationService(JdbcClient jdbc, AccountService accounts, UserService users, PasswordPolicy policy,
                      PasswordHasher hasher, Notifier notifier, AuditLog audit, GatehouseProperties gatehouse,
                      Clock clock) {
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
    }

    @Transactional
    public Invite invite(UUID accountId, User inviter, String email, String role, ClientInfo client) {
        Optional<Membership> manager = accounts.membership(accountId, inviter.id()).filter(m -> m.role().canManage());
        if (manager.isEmpty()) {
            return new Invite.NotAllowed();
        }
        Role invitedRole = "ADMIN".equals(role) ? Role.ADMIN : "MEMBER".equals(role) ? Role.MEMBER : null;
        FieldProblems problems = FieldProblems.builder()
                .check("email", Inputs.emailProblem(email))
                .check("role", invitedRole == null ? Optional.of("invite.role.invalid") : Optional.empty())
                .build();
        if (problems.isEmpty() && accounts.members(accountId).stream()
                .anyMatch(m -> Inputs.normalizeEmail(m.email()).equals(Inputs.normalizeEmail(email)))) {
            problems = new FieldProblems(Map.of("email", "invite.email.alreadyMember"));
        }
        if (!problems.isEmpty()) {
            return new Invite.Invalid(problems);
        }
        Instant now = clock.instant();
        String token = RandomCodes.token();
        String address = Inputs.trim(email);
        jdbc.sql("""
                insert into invitations (id, account_id, email, role, token_hash, invited_by, created_at, expires_at)
                values (?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(UUID.randomUUID(), accountId, address, invitedRole.name(), Tokens.sha256(token), inviter.id(),
                        Db.ts(now), Db.ts(now.plus(VALIDITY)))
                .update();
        audit.record(AuditEventType.INVITATION_SENT, inviter.id(), accountId, client, invitedRole.name());
        notifier.send(new EmailMessage(address, "invitation", Map.of(
                "inviterName", inviter.displayName(), "accountName", manager.get().accountName(),
                "role", invitedRole == Role.ADMIN ? "an admin" : "a member",
                "link", gatehouse.link("/invite/" + token), "validDays", VALIDITY.toDays()), now.plus(VALIDITY)));
        return new Invite.Sent(address);
    }

    public List<PendingInvitation> pending(UUID accountId) {
        return jdbc.sql("""
                select id, email, role, expires_at from invitations
                where account_id = ? and accepted_at is null and expires_at > ? order by created_at desc""")
                .params(accountId, Db.ts(clock.instant()))
                .query((rs, n) -> new PendingInvitation(rs.getObject(1, UUID.class), rs.getString(2),
                        Role.valueOf(rs.getString(3)), Db.instant(rs, "expires_at")))
                .list();
    }

    /** What the invitation page shows. {@code registered} tells whether the invited address has a user already. */
    public record Invitation(UUID id, UUID accountId, String accountName, String email, Role role, String inviterName,
                             boolean registered) {
    }

    public Optional<Invitation> find(String token) {
        if (token == null || token.length() > 100) {
            return Optional.empty();
        }
        return jdbc.sql("""
                select i.id, i.account_id, a.name, i.email, i.role, u.display_name from invitations i
                join accounts a on a.id = i.account_id join users u on u.id = i.invited_by
                where i.token_hash = ? and i.accepted_at is null and i.expires_at > ?""")
                .params(Tokens.sha256(token), Db.ts(clock.instant()))
                .query((rs, n) -> new Invitation(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getString(3), rs.getString(4), Role.valueOf(rs.getString(5)), rs.getString(6),
                        users.findByEmail(rs.getString(4)).isPresent()))
                .optional();
    }

    public sealed interface Acceptance {
        record Joined(User user, UUID accountId) implements Acceptance { }
        record Invalid(FieldProblems problems) implements Acceptance { }
        record InvalidLink() implements Acceptance { }
        /** The invited address has a user: they must sign in as that user to accept. */
        record SignInFirst() implements Acceptance { }
        /** Signed in as someone other than the invited address. */
        record WrongUser(String invitedEmail) implements Acceptance { }
    }

    /** Accepts as a new user with the invited address, who chooses a name and password. */
    @Transactional
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
        if (!claim(invitation.get().id())) {
            return new Acceptance.InvalidLink();
        }
        Optional<User> user = users.create(invitation.get().email(), displayName, hasher.hash(password));
        if (user.isEmpty()) {
            // The address got a user since the check above: give the invitation back for the sign-in path.
            jdbc.sql("update invitations set accepted_at = null where id = ? and accepted_by is null")
                    .param(invitation.get().id()).update();
            return new Acceptance.SignInFirst();
        }
        audit.record(AuditEventType.SIGN_UP_COMPLETED, user.get().id(), invitation.get().accountId(), client, "invitation");
        return join(invitation.get(), user.get(), client);
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
        return jdbc.sql("update invitations set accepted_at = ? where id = ? and accepted_at is null and expires_at > ?")
                .params(Db.ts(now), invitationId, Db.ts(now)).update() == 1;
    }

    private Acceptance join(Invitation invitation, User user, ClientInfo client) {
        jdbc.sql("update invitations set accepted_by = ? where id = ?").params(user.id(), invitation.id()).update();
        accounts.addMember(invitation.accountId(), user.id(), invitation.role());
        audit.record(AuditEventType.INVITATION_ACCEPTED, user.id(), invitation.accountId(), client, invitation.role().name());
        return new Acceptance.Joined(user, invitation.accountId());
    }
}

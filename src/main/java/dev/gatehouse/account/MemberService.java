package dev.gatehouse.account;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.notify.Notifier;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.system.Db;
import dev.gatehouse.user.SecurityNotice;
import dev.gatehouse.user.User;
import dev.gatehouse.user.UserService;

/**
 * What owners and admins do to the members of their account: change a role, remove someone. Owners may do anything;
 * admins move people between member and admin only and never touch an owner. An account always keeps an owner: each
 * change locks the account's row first, so two owners demoting each other at the same moment (on any nodes) are done
 * one after the other and the second is refused.
 */
@Service
public class MemberService {

    private final JdbcClient jdbc;
    private final AccountService accounts;
    private final UserService users;
    private final AuditLog audit;
    private final Notifier notifier;
    private final Clock clock;
    private final ApplicationEventPublisher events;

    MemberService(JdbcClient jdbc, AccountService accounts, UserService users, AuditLog audit, Notifier notifier,
                  Clock clock, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.accounts = accounts;
        this.users = users;
        this.audit = audit;
        this.notifier = notifier;
        this.clock = clock;
        this.events = events;
    }

    /** What came of a change; the refusals carry the message key that says why. */
    public sealed interface Change {
        record Done(Member member) implements Change { }
        /** The member already has that role: nothing recorded. */
        record Unchanged(Member member) implements Change { }
        /** The role is not one of the three. */
        record InvalidRole() implements Change { }
        /** Not allowed for this person (last owner, an admin touching an owner, oneself): nothing changed. */
        record Refused(String reasonKey) implements Change { }
        /** {@code by} does not manage the account, or the member is not in it (not told apart). */
        record NotFound() implements Change { }
    }

    /** Parses a role as a form sends it; empty for anything else. */
    public static Optional<Role> role(String typed) {
        for (Role role : Role.values()) {
            if (role.name().equals(typed)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }

    /**
     * Why someone with role {@code byRole} may not give {@code member} the role {@code to}; empty when they may.
     * Pages use it to offer only what is allowed; {@link #changeRole} checks it again under the account's lock.
     */
    public static Optional<String> roleRefusal(Role byRole, Member member, Role to) {
        if (!byRole.canManage()) {
            return Optional.of("members.notAllowed");
        }
        if (byRole != Role.OWNER && (member.role() == Role.OWNER || to == Role.OWNER)) {
            return Optional.of("members.role.ownersOnly");
        }
        return Optional.empty();
    }

    /** Why {@code by} may not remove {@code member}; empty when they may (the last-owner rule is checked apart). */
    public static Optional<String> removalRefusal(Role byRole, UUID byId, Member member) {
        if (member.userId().equals(byId)) {
            return Optional.of("members.remove.self");
        }
        if (byRole != Role.OWNER && member.role() == Role.OWNER) {
            return Optional.of("members.remove.ownersOnly");
        }
        return Optional.empty();
    }

    /**
     * Gives {@code memberId} the role {@code typedRole} in the account, by {@code by} (re-confirmed by the caller).
     * Audited on the member with who did it; the member is emailed.
     */
    @Transactional
    public Change changeRole(UUID accountId, User by, UUID memberId, String typedRole, ClientInfo client) {
        Optional<Membership> managing = accounts.membership(accountId, by.id()).filter(m -> m.role().canManage());
        if (managing.isEmpty()) {
            return new Change.NotFound();
        }
        lockAccount(accountId);
        // Read again under the lock: another admin's change that committed meanwhile counts.
        Optional<Member> member = accounts.member(accountId, memberId);
        Role byRole = accounts.membership(accountId, by.id()).map(Membership::role).orElse(Role.MEMBER);
        if (member.isEmpty() || !byRole.canManage()) {
            return new Change.NotFound();
        }
        Optional<Role> to = role(typedRole);
        if (to.isEmpty()) {
            return new Change.InvalidRole();
        }
        Optional<String> refusal = roleRefusal(byRole, member.get(), to.get());
        if (refusal.isPresent()) {
            return new Change.Refused(refusal.get());
        }
        Role from = member.get().role();
        if (from == to.get()) {
            return new Change.Unchanged(member.get());
        }
        if (from == Role.OWNER && owners(accountId) == 1) {
            return new Change.Refused("members.lastOwner");
        }
        jdbc.sql("update memberships set role = ? where account_id = ? and user_id = ?")
                .params(to.get().name(), accountId, memberId).update();
        int revoked = to.get().canManage() ? 0 : revokeInvitationsBy(accountId, memberId);
        audit.record(AuditEventType.MEMBER_ROLE_CHANGED, memberId, accountId, client,
                from + " -> " + to.get() + " by " + by.displayName() + " (" + by.id() + ")" + revokedNote(revoked));
        notify(memberId, "member-role-changed", by, managing.get().accountName(), client,
                Map.of("role", to.get().name()));
        Member changed = member.get();
        return new Change.Done(new Member(changed.userId(), changed.email(), changed.displayName(), to.get(),
                changed.joinedAt(), changed.phoneGiven()));
    }

    /**
     * Removes {@code memberId} from the account. They keep their user, their methods and their trusted devices (all
     * theirs, not the account's), and their other accounts; this account's pages close to them at their next request,
     * as every page checks the membership. Audited on the member with who did it; the member is emailed.
     */
    @Transactional
    public Change remove(UUID accountId, User by, UUID memberId, ClientInfo client) {
        Optional<Membership> managing = accounts.membership(accountId, by.id()).filter(m -> m.role().canManage());
        if (managing.isEmpty()) {
            return new Change.NotFound();
        }
        lockAccount(accountId);
        Optional<Member> member = accounts.member(accountId, memberId);
        Role byRole = accounts.membership(accountId, by.id()).map(Membership::role).orElse(Role.MEMBER);
        if (member.isEmpty() || !byRole.canManage()) {
            return new Change.NotFound();
        }
        Optional<String> refusal = removalRefusal(byRole, by.id(), member.get());
        if (refusal.isPresent()) {
            return new Change.Refused(refusal.get());
        }
        if (member.get().role() == Role.OWNER && owners(accountId) == 1) {
            return new Change.Refused("members.lastOwner");
        }
        jdbc.sql("delete from memberships where account_id = ? and user_id = ?").params(accountId, memberId).update();
        int revoked = revokeInvitationsBy(accountId, memberId);
        events.publishEvent(new MemberLeft(accountId, memberId));
        audit.record(AuditEventType.MEMBER_REMOVED, memberId, accountId, client,
                member.get().role() + " removed by " + by.displayName() + " (" + by.id() + ")" + revokedNote(revoked));
        notify(memberId, "member-removed", by, managing.get().accountName(), client, Map.of());
        return new Change.Done(member.get());
    }

    /**
     * An invitation goes with its sender's right to invite: when they are removed or no longer manage the account, the
     * invitations they sent that nobody accepted yet end (else a removed admin's invitation of a second address of
     * theirs would bring them back as an admin). {@link InvitationService} also refuses any such link still open.
     */
    private int revokeInvitationsBy(UUID accountId, UUID inviterId) {
        return jdbc.sql("""
                update invitations set revoked_at = ?
                where account_id = ? and invited_by = ? and accepted_at is null and revoked_at is null""")
                .params(Db.ts(clock.instant()), accountId, inviterId).update();
    }

    private static String revokedNote(int revoked) {
        return revoked == 0 ? "" : "; " + revoked + (revoked == 1 ? " invitation" : " invitations")
                + " they sent revoked";
    }

    /** Changes to one account's members are made one at a time, so the owner count read below stays true. */
    private void lockAccount(UUID accountId) {
        jdbc.sql("select id from accounts where id = ? for update").param(accountId).query(UUID.class).single();
    }

    private int owners(UUID accountId) {
        return jdbc.sql("select count(*) from memberships where account_id = ? and role = 'OWNER'")
                .param(accountId).query(Integer.class).single();
    }

    private void notify(UUID memberId, String template, User by, String accountName, ClientInfo client,
                        Map<String, Object> more) {
        Instant now = clock.instant();
        Map<String, Object> details = new java.util.HashMap<>(more);
        details.put("changedBy", by.named());
        details.put("accountName", accountName);
        users.findById(memberId).ifPresent(member -> notifier.send(SecurityNotice.of(member, template, now, client,
                details)));
    }
}

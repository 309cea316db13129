package dev.gatehouse.account;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.gatehouse.system.Db;

/** Customer accounts and who belongs to them. */
@Service
public class AccountService {

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    AccountService(JdbcClient jdbc, ApplicationEventPublisher events, Clock clock) {
        this.jdbc = jdbc;
        this.events = events;
        this.clock = clock;
    }

    /** Creates an account with {@code ownerId} as its owner and nothing required; returns its id. */
    @Transactional
    public UUID createWithOwner(String name, UUID ownerId) {
        return createWithOwner(name, ownerId, false);
    }

    /**
     * Creates an account with {@code ownerId} as its owner; returns its id. {@code twoFactorRequired}: it starts
     * requiring two-step verification from now, with no grace period (every method allowed either way).
     */
    @Transactional
    public UUID createWithOwner(String name, UUID ownerId, boolean twoFactorRequired) {
        UUID id = UUID.randomUUID();
        java.time.OffsetDateTime now = Db.ts(clock.instant());
        jdbc.sql("""
                insert into accounts (id, name, created_at, require_two_factor, two_factor_grace_days,
                                      two_factor_required_since) values (?, ?, ?, ?, 0, ?)""")
                .params(id, name.strip(), now, twoFactorRequired, twoFactorRequired ? now : null).update();
        addMember(id, ownerId, Role.OWNER);
        return id;
    }

    /**
     * Serialises changes to one account's members until the caller's transaction ends, like {@code MemberService}'s
     * role changes and removals (which take the same row lock first): a check of who may do what to whom, made after
     * this, holds until the change is written. Must be called inside a transaction.
     */
    @Transactional(propagation = org.springframework.transaction.annotation.Propagation.MANDATORY)
    public void lockForChange(UUID accountId) {
        jdbc.sql("select id from accounts where id = ? for update").param(accountId).query(UUID.class).optional();
    }

    /**
     * Adds a member unless they are one already (then their role stays). Joining an account whose trust period is
     * shorter than the longest cuts the end of the devices they trust to it ({@link DeviceTrustShortened}).
     */
    @Transactional
    void addMember(UUID accountId, UUID userId, Role role) {
        int added = jdbc.sql("""
                insert into memberships (account_id, user_id, role, created_at)
                select ?, ?, ?, ? where not exists (select 1 from memberships where account_id = ? and user_id = ?)""")
                .params(accountId, userId, role.name(), Db.ts(clock.instant()), accountId, userId).update();
        if (added == 1) {
            DeviceTrustPeriod period = DeviceTrustPeriod.valueOf(jdbc.sql(
                    "select device_trust_period from accounts where id = ?").param(accountId).query(String.class)
                    .single());
            if (period.duration().compareTo(DeviceTrustPeriod.longest()) < 0) {
                events.publishEvent(new DeviceTrustShortened(List.of(userId), period));
            }
        }
    }

    /** The accounts a user belongs to, by account name. */
    public List<Membership> membershipsOf(UUID userId) {
        return jdbc.sql("""
                select a.id, a.name, m.user_id, m.role from memberships m join accounts a on a.id = m.account_id
                where m.user_id = ? order by a.name, a.id""")
                .param(userId)
                .query((rs, n) -> new Membership(rs.getObject(1, UUID.class), rs.getString(2),
                        rs.getObject(3, UUID.class), Role.valueOf(rs.getString(4))))
                .list();
    }

    /** The user's membership of that account, if any: the only way to learn an account's name or role by id. */
    public Optional<Membership> membership(UUID accountId, UUID userId) {
        return membershipsOf(userId).stream().filter(m -> m.accountId().equals(accountId)).findFirst();
    }

    /**
     * How long a device of this user may be trusted now: the shortest period of the accounts they belong to, so the
     * strictest account wins; {@link DeviceTrustPeriod#DEFAULT} for a user in no account.
     */
    public DeviceTrustPeriod deviceTrustPeriodFor(UUID userId) {
        return jdbc.sql("""
                select a.device_trust_period from memberships m join accounts a on a.id = m.account_id
                where m.user_id = ?""")
                .param(userId).query(String.class).list().stream().map(DeviceTrustPeriod::valueOf)
                .min(java.util.Comparator.naturalOrder()).orElse(DeviceTrustPeriod.DEFAULT);
    }

    /** The account's members, owners first, then admins, then members, each by name. */
    public List<Member> members(UUID accountId) {
        return jdbc.sql("""
                select u.id, u.email, u.display_name, m.role, m.created_at, u.phone from memberships m
                join users u on u.id = m.user_id where m.account_id = ?
                order by case m.role when 'OWNER' then 0 when 'ADMIN' then 1 else 2 end, u.display_name, u.id""")
                .param(accountId)
                .query((rs, n) -> new Member(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                        Role.valueOf(rs.getString(4)), Db.instant(rs, "created_at"), rs.getString(6) != null))
                .list();
    }

    /** Why a two-step verification reset of a member is refused ({@link #resetRefusal}). */
    public enum ResetRefusal {
        /** The member belongs to other accounts too: a reset would weaken how they sign in to those. */
        OTHER_ACCOUNTS,
        /** Only an owner resets an owner. */
        OWNER
    }

    /**
     * Whether someone managing the account with role {@code byRole} may reset the two-step verification of
     * {@code member}: empty when they may. The one rule for the members page and the API (whose clients act with the
     * role of the owner who registered them). That nobody resets themselves is the caller's to check.
     */
    public Optional<ResetRefusal> resetRefusal(Member member, Role byRole) {
        // A reset removes the member's methods everywhere: an admin of one account must not be able to weaken how
        // someone signs in to other accounts (for example after inviting them for that purpose).
        if (membershipsOf(member.userId()).size() > 1) {
            return Optional.of(ResetRefusal.OTHER_ACCOUNTS);
        }
        if (member.role() == Role.OWNER && byRole != Role.OWNER) {
            return Optional.of(ResetRefusal.OWNER);
        }
        return Optional.empty();
    }

    /** One member of the account, if {@code userId} is one. */
    public Optional<Member> member(UUID accountId, UUID userId) {
        return members(accountId).stream().filter(m -> m.userId().equals(userId)).findFirst();
    }
}

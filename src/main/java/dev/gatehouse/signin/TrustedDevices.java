package dev.gatehouse.signin;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.account.AccountService;
import dev.gatehouse.account.DeviceTrustPeriod;
import dev.gatehouse.account.DeviceTrustShortened;
import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.crypto.RandomCodes;
import dev.gatehouse.crypto.Tokens;
import dev.gatehouse.factor.FactorRemoved;
import dev.gatehouse.notify.Notifier;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.system.Db;
import dev.gatehouse.system.Network;
import dev.gatehouse.user.PasswordChanged;
import dev.gatehouse.user.SecurityNotice;
import dev.gatehouse.user.User;

/**
 * "Remember this device" (DESIGN.md invariant 9). The browser holds a 256-bit random token; the database holds only a
 * hash of it together with the user id, so a token is bound to one user: another user's sign-in on the same browser
 * finds nothing. Whether a token is still trusted is decided each time it is used, from the trust period in force
 * then (the shortest of the user's accounts), counted from when it was trusted: shortening the period shortens every
 * existing token at once. Signing out everywhere, changing the password and removing a method revoke them all.
 */
@Service
public class TrustedDevices {

    private static final String COLUMNS = "id, browser, first_ip, last_ip, created_at, last_used_at, token_hash,"
            + " trusted_until";

    private final JdbcClient jdbc;
    private final AccountService accounts;
    private final AuditLog audit;
    private final Notifier notifier;
    private final TransactionTemplate tx;
    private final DeviceCookies cookies;
    private final Clock clock;

    TrustedDevices(JdbcClient jdbc, AccountService accounts, AuditLog audit, Notifier notifier, TransactionTemplate tx,
                   DeviceCookies cookies, Clock clock) {
        this.jdbc = jdbc;
        this.cookies = cookies;
        this.accounts = accounts;
        this.audit = audit;
        this.notifier = notifier;
        this.tx = tx;
        this.clock = clock;
    }

    /** The period a device of this user may be trusted for now. */
    public DeviceTrustPeriod period(UUID userId) {
        return accounts.deviceTrustPeriodFor(userId);
    }

    /**
     * Trusts this browser for the user: stores the hash of a new token, audits and emails, together. Returns the token
     * for the cookie; empty when the user's period is {@link DeviceTrustPeriod#THIS_SIGN_IN}.
     */
    Optional<String> trust(User user, ClientInfo client) {
        Instant now = clock.instant();
        String token = RandomCodes.token();
        return Optional.ofNullable(tx.execute(status -> {
            // The user's accounts' rows first, which a change of their rules also locks first: a device remembered at
            // the moment an admin shortens the period is either seen by that change and cut, or made under the new
            // period (found by a re-attack in stop 31: one escaped the cut and came back with a longer period).
            jdbc.sql("""
                    select id from accounts where id in (select account_id from memberships where user_id = ?)
                    for update""").param(user.id()).query(UUID.class).list();
            DeviceTrustPeriod period = period(user.id());
            if (!period.allowsTrust()) {
                return null;
            }
            // Then the user's row, which a password change holds while it forgets the user's devices, and on which
            // ending all their sessions raises the number: a sign-in that was overtaken by either remembers nothing
            // (found by an outside attack in stop 31: "sign out everywhere" pressed while an intruder's sign-in with
            // "remember this device" was finishing left the intruder's device trusted, 4 times in 15).
            boolean overtaken = jdbc.sql("""
                    select sessions_generation, password_changed_at from users where id = ? for update""")
                    .param(user.id())
                    .query((rs, n) -> rs.getLong(1) != user.sessionsGeneration() || !java.util.Objects.equals(
                            Db.instant(rs, "password_changed_at"), user.passwordChangedAt()))
                    .optional().orElse(true);
            if (overtaken) {
                return null;
            }
            jdbc.sql("""
                    insert into trusted_devices (id, user_id, token_hash, browser, user_agent, first_ip, last_ip,
                                                 created_at, last_used_at, trusted_until)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(UUID.randomUUID(), user.id(), hash(user.id(), token), cut(client.browser(), 100),
                            client.userAgent(), client.ip(), client.ip(), Db.ts(now), Db.ts(now),
                            Db.ts(now.plus(period.duration())))
                    .update();
            audit.record(AuditEventType.TRUSTED_DEVICE_ADDED, user.id(), null, client, client.browser());
            notifier.send(SecurityNotice.of(user, "trusted-device-added", now, client,
                    Map.of("period", period.displayName())));
            return token;
        }));
    }

    /**
     * The device among {@code tokens} (what the browser sent) that is trusted for this user now, its last use
     * recorded; empty when none is. One conditional UPDATE per token decides, so a revocation or a shorter period
     * takes effect on the very next use, on every node.
     */
    Optional<UUID> recognise(UUID userId, List<String> tokens, ClientInfo client) {
        DeviceTrustPeriod period = period(userId);
        if (!period.allowsTrust() || tokens.isEmpty()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Instant trustedSince = now.minus(period.duration());
        for (String token : tokens) {
            String hash = hash(userId, token);
            int used = jdbc.sql("""
                    update trusted_devices set last_used_at = ?, last_ip = ?
                    where token_hash = ? and user_id = ? and revoked_at is null and created_at > ?
                      and (trusted_until is null or trusted_until > ?)""")
                    .params(Db.ts(now), client.ip(), hash, userId, Db.ts(trustedSince), Db.ts(now)).update();
            if (used == 1) {
                return jdbc.sql("select id from trusted_devices where token_hash = ?").param(hash)
                        .query(UUID.class).optional();
            }
        }
        return Optional.empty();
    }

    /** The user's devices trusted now, most recently used first (none marked as this browser). */
    public List<TrustedDevice> list(UUID userId) {
        return list(userId, List.of(), ClientInfo.SYSTEM);
    }

    /**
     * The user's devices trusted now, most recently used first, as {@code browser} sees them: the one whose token it
     * holds (for this user) marked as this browser, and each network compared with the browser's own.
     */
    public List<TrustedDevice> list(UUID userId, BrowserSession browser) {
        return list(userId, cookies.trustTokens(browser), browser.client());
    }

    List<TrustedDevice> list(UUID userId, List<String> tokens, ClientInfo asking) {
        DeviceTrustPeriod period = period(userId);
        Instant now = clock.instant();
        if (!period.allowsTrust()) {
            return List.of();
        }
        // A token counts only hashed with this user's id, as at sign-in: another user's token marks nothing.
        Set<String> held = tokens.stream().map(t -> hash(userId, t)).collect(Collectors.toSet());
        return jdbc.sql("select " + COLUMNS + """
                 from trusted_devices where user_id = ? and revoked_at is null and created_at > ?
                  and (trusted_until is null or trusted_until > ?)
                order by last_used_at desc, id""")
                .params(userId, Db.ts(now.minus(period.duration())), Db.ts(now))
                .query((rs, n) -> {
                    Instant createdAt = Db.instant(rs, "created_at");
                    Instant until = createdAt.plus(period.duration());
                    Instant cut = Db.instant(rs, "trusted_until");
                    String lastIp = rs.getString("last_ip");
                    return new TrustedDevice(rs.getObject("id", UUID.class), rs.getString("browser"),
                            rs.getString("first_ip"), lastIp, createdAt, Db.instant(rs, "last_used_at"),
                            cut != null && cut.isBefore(until) ? cut : until,
                            held.contains(rs.getString("token_hash")), Network.of(lastIp, asking.ip()));
                })
                .list();
    }

    /**
     * Cuts the end of these users' trusted devices to {@code period} after each was added, in the change's
     * transaction: trust that the shorter period ends stays ended when the period grows again or the user leaves the
     * account that set it (found by a review in stop 31). Devices already past it are simply never trusted again.
     */
    @EventListener
    void trustShortened(DeviceTrustShortened shortened) {
        for (UUID userId : shortened.userIds()) {
            record Row(UUID id, Instant createdAt, Instant until) { }
            List<Row> rows = jdbc.sql("""
                    select id, created_at, trusted_until from trusted_devices
                    where user_id = ? and revoked_at is null""")
                    .param(userId)
                    .query((rs, n) -> new Row(rs.getObject(1, UUID.class), Db.instant(rs, "created_at"),
                            Db.instant(rs, "trusted_until")))
                    .list();
            for (Row row : rows) {
                Instant end = row.createdAt().plus(shortened.period().duration());
                if (row.until() == null || row.until().isAfter(end)) {
                    jdbc.sql("update trusted_devices set trusted_until = ? where id = ?").params(Db.ts(end), row.id())
                            .update();
                }
            }
        }
    }

    /** Stops trusting one of the user's devices; the id is only looked up among this user's own. */
    public boolean remove(User user, UUID deviceId, ClientInfo client) {
        return remove(user.id(), deviceId, null, null, client);
    }

    /**
     * Stops trusting one of {@code userId}'s devices for someone else: an account's administrator through the API
     * ({@code by} names them, {@code accountId} the account they act for; the event is recorded on both). The id is
     * only looked up among this user's own.
     */
    public boolean removeFor(UUID userId, UUID deviceId, UUID accountId, String by, ClientInfo client) {
        return remove(userId, deviceId, accountId, by, client);
    }

    private boolean remove(UUID userId, UUID deviceId, UUID accountId, String by, ClientInfo client) {
        Instant now = clock.instant();
        return Boolean.TRUE.equals(tx.execute(status -> {
            Optional<String> browser = jdbc.sql("""
                    select browser from trusted_devices where id = ? and user_id = ? and revoked_at is null""")
                    .params(deviceId, userId).query(String.class).optional();
            int revoked = jdbc.sql("""
                    update trusted_devices set revoked_at = ? where id = ? and user_id = ? and revoked_at is null""")
                    .params(Db.ts(now), deviceId, userId).update();
            if (revoked == 1) {
                audit.record(AuditEventType.TRUSTED_DEVICE_REMOVED, userId, accountId, client,
                        browser.orElse("") + (by == null ? "" : " by " + by));
            }
            return revoked == 1;
        }));
    }

    /**
     * Stops trusting every device of the user ({@code reason} goes into the audit detail, e.g. "password changed").
     * Joins the caller's transaction if there is one. Returns how many were trusted.
     */
    public int removeAll(UUID userId, ClientInfo client, String reason) {
        Instant now = clock.instant();
        Integer revoked = tx.execute(status -> {
            // Older rows can never be trusted again, whatever the period: no need to touch them.
            int n = jdbc.sql("""
                    update trusted_devices set revoked_at = ?
                    where user_id = ? and revoked_at is null and created_at > ?""")
                    .params(Db.ts(now), userId, Db.ts(now.minus(DeviceTrustPeriod.longest()))).update();
            if (n > 0) {
                audit.record(AuditEventType.TRUSTED_DEVICE_REMOVED, userId, null, client,
                        "all (" + n + "): " + reason);
            }
            return n;
        });
        return revoked == null ? 0 : revoked;
    }

    /** Removing a method forgets every trusted device, in the removal's transaction. */
    @EventListener
    void methodRemoved(FactorRemoved removed) {
        removeAll(removed.userId(), removed.client(), "method removed");
    }

    /** A password change forgets every trusted device, in the change's transaction. */
    @EventListener
    void passwordChanged(PasswordChanged changed) {
        removeAll(changed.userId(), changed.client(), "password changed");
    }

    private static String hash(UUID userId, String token) {
        return Tokens.sha256("trusted-device:" + userId + ":" + token);
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}

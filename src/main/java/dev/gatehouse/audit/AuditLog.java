package dev.gatehouse.audit;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.system.Db;

/**
 * The append-only security event log. Events are written in the transaction of the change they record (a rolled-back
 * change leaves no event); there is no update or delete. Details never hold codes, tokens, passwords or secrets.
 */
@Service
public class AuditLog {

    private static final int DETAIL_MAX = 500;

    private final JdbcClient jdbc;
    private final Clock clock;

    AuditLog(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Transactional(propagation = Propagation.REQUIRED)
    public void record(AuditEventType type, UUID userId, UUID accountId, ClientInfo client, String detail) {
        ClientInfo c = client == null ? ClientInfo.SYSTEM : client;
        String d = detail == null ? null : detail.length() <= DETAIL_MAX ? detail : detail.substring(0, DETAIL_MAX);
        jdbc.sql("""
                insert into audit_events (occurred_at, type, user_id, account_id, ip, user_agent, detail)
                values (?, ?, ?, ?, ?, ?, ?)""")
                .params(Db.ts(clock.instant()), type.name(), userId, accountId,
                        c.ip(), c.userAgent(), d)
                .update();
    }

    public void record(AuditEventType type, UUID userId, ClientInfo client) {
        record(type, userId, null, client, null);
    }

    /** The user's newest events first, at most {@code limit}. */
    public List<AuditEvent> recentForUser(UUID userId, int limit) {
        return jdbc.sql("""
                select id, occurred_at, type, user_id, account_id, ip, user_agent, detail
                from audit_events where user_id = ? order by occurred_at desc, id desc limit ?""")
                .params(userId, limit)
                .query((rs, n) -> new AuditEvent(rs.getLong("id"),
                        Db.instant(rs, "occurred_at"),
                        AuditEventType.valueOf(rs.getString("type")), rs.getObject("user_id", UUID.class),
                        rs.getObject("account_id", UUID.class), rs.getString("ip"), rs.getString("user_agent"),
                        rs.getString("detail")))
                .list();
    }

    /**
     * When each of these users last signed in (their newest {@link AuditEventType#SIGN_IN}); users who never did are
     * missing from the map. One query, by the (user, time) index.
     */
    public java.util.Map<UUID, java.time.Instant> lastSignIns(java.util.Collection<UUID> userIds) {
        java.util.Map<UUID, java.time.Instant> last = new java.util.HashMap<>();
        if (userIds.isEmpty()) {
            return last;
        }
        String marks = String.join(", ", java.util.Collections.nCopies(userIds.size(), "?"));
        java.util.List<Object> params = new java.util.ArrayList<>();
        params.add(AuditEventType.SIGN_IN.name());
        params.addAll(userIds);
        jdbc.sql("select user_id, max(occurred_at) as last_at from audit_events where type = ? and user_id in ("
                        + marks + ") group by user_id")
                .params(params)
                .query((rs, n) -> java.util.Map.entry(rs.getObject(1, UUID.class), Db.instant(rs, "last_at")))
                .list().forEach(e -> last.put(e.getKey(), e.getValue()));
        return last;
    }

    /** Event types of a user in the order they happened; for tests and support tools. */
    public List<AuditEventType> typesForUser(UUID userId) {
        return jdbc.sql("select type from audit_events where user_id = ? order by occurred_at, id")
                .param(userId)
                .query((rs, n) -> AuditEventType.valueOf(rs.getString(1)))
                .list();
    }
}

package dev.gatehouse.audit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.springframework.beans.factory.annotation.Value;
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

    /**
     * The event types this release added. A node of the release before cannot read them: it failed the Security page
     * and the activity of a user who has one, during a rolling upgrade and for good after going back to that release
     * (it read every type with {@code valueOf}; from this release on, the lists leave a type they do not know out).
     * So they are recorded only with {@code gatehouse.audit.record-new-types} (the prod profile sets it false: turn it
     * on once no node of the release before runs and none will again; the trial records them). Emptied by the next
     * release, whose previous release reads every type.
     */
    static final Set<AuditEventType> NEW_IN_THIS_RELEASE = Collections.unmodifiableSet(
            EnumSet.of(AuditEventType.APPLICATION_TOKEN_REUSED));

    private final JdbcClient jdbc;
    private final Clock clock;
    private final boolean recordNewTypes;

    AuditLog(JdbcClient jdbc, Clock clock,
             @Value("${gatehouse.audit.record-new-types:true}")
             boolean recordNewTypes) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.recordNewTypes = recordNewTypes;
    }

    @Transactional(propagation = Propagation.REQUIRED)
    public void record(AuditEventType type, UUID userId, UUID accountId, ClientInfo client, String detail) {
        if (!recordNewTypes && NEW_IN_THIS_RELEASE.contains(type)) {
            return;
        }
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

    /**
     * A member's own events that the owners and admins of the member's accounts see on the account's activity (while
     * they are a member, and from when they joined): what changes how the member signs in, and signs of an attack on
     * them. Not their sign-ins, sign-outs, codes sent, devices or failures: those are the member's own business.
     */
    public static final Set<AuditEventType> SHOWN_TO_MEMBERS_ACCOUNTS = Collections.unmodifiableSet(EnumSet.of(
            AuditEventType.FACTOR_ENABLED, AuditEventType.FACTOR_DISABLED, AuditEventType.CODE_DESTINATION_CHANGED,
            AuditEventType.PASSWORD_CHANGED, AuditEventType.PASSWORD_RESET, AuditEventType.PASSWORD_CHECKS_PAUSED,
            AuditEventType.CODE_ENTRY_LOCKED, AuditEventType.CODE_METHODS_SUSPENDED,
            AuditEventType.WEBAUTHN_POSSIBLY_CLONED, AuditEventType.EMAIL_CHANGED, AuditEventType.PHONE_CHANGED));

    private static final String COLUMNS = "id, occurred_at, type, user_id, account_id, ip, user_agent, detail";

    /**
     * Every type this version knows: the lists read no other. During a rolling upgrade a node of the version after
     * may record a type this one lacks; such events are left out here rather than failing the whole list.
     */
    private static final List<String> KNOWN = Arrays.stream(AuditEventType.values()).map(Enum::name)
            .toList();

    /** The user's newest events first, at most {@code limit}. */
    public List<AuditEvent> recentForUser(UUID userId, int limit) {
        return jdbc.sql("select " + COLUMNS
                        + " from audit_events where user_id = :user and type in (:known)"
                        + " order by occurred_at desc, id desc limit :limit")
                .param("user", userId).param("known", KNOWN).param("limit", limit)
                .query(AuditLog::event)
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

    /**
     * One page of the user's own events (everything recorded with their id), newest first; {@code kind} null for
     * every kind. {@code from} null for the newest page; {@code newer} says which side of {@code from} to show.
     */
    public ActivityPage userActivity(UUID userId, ActivityKind kind, ActivityPage.Cursor from, boolean newer,
                                     int size) {
        Map<String, Object> params = new HashMap<>();
        params.put("user", userId);
        return page("select " + COLUMNS + " from audit_events where user_id = :user", kind, null, from, newer,
                size, params);
    }

    /**
     * One page of an account's activity, newest first: every event recorded on the account (its rules, invitations,
     * members joining, two-step resets: whoever did them), and its current members' own events of the kinds in
     * {@link #SHOWN_TO_MEMBERS_ACCOUNTS} recorded on no account, from when they joined. A member's events recorded on
     * another account never show. {@code member} null for everyone; {@code kind} null for every kind.
     */
    public ActivityPage accountActivity(UUID accountId, UUID member, ActivityKind kind, ActivityPage.Cursor from,
                                        boolean newer, int size) {
        Map<String, Object> params = new HashMap<>();
        params.put("account", accountId);
        params.put("shared", SHOWN_TO_MEMBERS_ACCOUNTS.stream().map(Enum::name).toList());
        return page("select " + COLUMNS + " from (" + ACCOUNT_EVENTS + ") e where 1 = 1", kind, member, from, newer,
                size, params);
    }

    /** The events of an account's activity ({@link #accountActivity}); parameters {@code :account}, {@code :shared}. */
    private static final String ACCOUNT_EVENTS = "select " + COLUMNS + " from audit_events where account_id = :account"
            + " union all select e.id, e.occurred_at, e.type, e.user_id, e.account_id, e.ip, e.user_agent, e.detail"
            + " from audit_events e join memberships m on m.user_id = e.user_id and m.account_id = :account"
            + " where e.account_id is null and e.type in (:shared) and e.occurred_at >= m.created_at";

    /** One page of {@link #accountEvents}: the events shown and how many match in all. */
    public record EventPage(List<AuditEvent> events, long total) {
        public EventPage {
            events = List.copyOf(events);
        }
    }

    /**
     * The account's activity as {@link #accountActivity} reckons it (the same events, the same members' events), for
     * applications: newest first, {@code types} empty for every type, {@code from} inclusive and {@code to} exclusive
     * (each null for no bound), {@code size} events after skipping {@code page * size}.
     */
    public EventPage accountEvents(UUID accountId, Set<AuditEventType> types, java.time.Instant from,
                                   java.time.Instant to, int page, int size) {
        if (page < 0 || size < 1) {
            throw new IllegalArgumentException("page must be at least 0 and size at least 1");
        }
        Map<String, Object> params = new HashMap<>();
        params.put("account", accountId);
        params.put("shared", SHOWN_TO_MEMBERS_ACCOUNTS.stream().map(Enum::name).toList());
        StringBuilder where = new StringBuilder(" where type in (:types)");
        params.put("types", types.isEmpty() ? KNOWN : types.stream().map(Enum::name).toList());
        if (from != null) {
            where.append(" and occurred_at >= :from");
            params.put("from", Db.ts(from));
        }
        if (to != null) {
            where.append(" and occurred_at < :to");
            params.put("to", Db.ts(to));
        }
        String events = "(" + ACCOUNT_EVENTS + ") e" + where;
        long total = jdbc.sql("select count(*) from " + events).paramSource(params).query(Long.class).single();
        params.put("limit", size);
        params.put("offset", (long) page * size);
        List<AuditEvent> shown = jdbc.sql("select " + COLUMNS + " from " + events
                        + " order by occurred_at desc, id desc limit :limit offset :offset")
                .paramSource(params).query(AuditLog::event).list();
        return new EventPage(shown, total);
    }

    private ActivityPage page(String base, ActivityKind kind, UUID member, ActivityPage.Cursor from, boolean newer,
                              int size, Map<String, Object> params) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be at least 1");
        }
        StringBuilder sql = new StringBuilder(base);
        sql.append(" and type in (:types)");
        params.put("types", kind == null ? KNOWN : kind.types().stream().map(Enum::name).toList());
        if (member != null) {
            sql.append(" and user_id = :member");
            params.put("member", member);
        }
        if (from != null) {
            sql.append(newer ? " and (occurred_at > :at or (occurred_at = :at and id > :id))"
                    : " and (occurred_at < :at or (occurred_at = :at and id < :id))");
            params.put("at", Db.ts(from.at()));
            params.put("id", from.id());
        }
        String order = newer && from != null ? "asc" : "desc";
        sql.append(" order by occurred_at ").append(order).append(", id ").append(order).append(" limit :limit");
        params.put("limit", size + 1);
        List<AuditEvent> found = new ArrayList<>(jdbc.sql(sql.toString()).paramSource(params)
                .query(AuditLog::event).list());
        boolean more = found.size() > size;
        List<AuditEvent> shown = new ArrayList<>(found.subList(0, Math.min(size, found.size())));
        if (newer && from != null) {
            if (shown.isEmpty()) {
                // Nothing newer (a changed link): the newest page.
                return page(base, kind, member, null, false, size, params);
            }
            Collections.reverse(shown);
            return new ActivityPage(shown, more ? ActivityPage.Cursor.of(shown.get(0)) : null,
                    ActivityPage.Cursor.of(shown.get(shown.size() - 1)));
        }
        return new ActivityPage(shown, from != null && !shown.isEmpty() ? ActivityPage.Cursor.of(shown.get(0)) : null,
                more ? ActivityPage.Cursor.of(shown.get(shown.size() - 1)) : null);
    }

    private static AuditEvent event(ResultSet rs, int row) throws SQLException {
        return new AuditEvent(rs.getLong("id"), Db.instant(rs, "occurred_at"),
                AuditEventType.valueOf(rs.getString("type")), rs.getObject("user_id", UUID.class),
                rs.getObject("account_id", UUID.class), rs.getString("ip"), rs.getString("user_agent"),
                rs.getString("detail"));
    }

    /** Event types of a user in the order they happened; for tests and support tools. */
    public List<AuditEventType> typesForUser(UUID userId) {
        return jdbc.sql("select type from audit_events where user_id = :user and type in (:known)"
                        + " order by occurred_at, id")
                .param("user", userId).param("known", KNOWN)
                .query((rs, n) -> AuditEventType.valueOf(rs.getString(1)))
                .list();
    }
}

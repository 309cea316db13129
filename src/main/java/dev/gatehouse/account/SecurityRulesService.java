package dev.gatehouse.account;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import org.springframework.beans.factory.ObjectProvider;
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
 * The accounts' two-step verification rules: what an owner or admin sets ({@link SecurityRules}) and what a user is
 * held to because of the accounts they belong to ({@link MemberRules}). The account layer knows method names only as
 * strings; which names exist is the caller's to say (the registered methods).
 */
@Service
public class SecurityRulesService {

    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final Notifier notifier;
    private final UserService users;
    private final AccountAlerts alerts;
    private final Clock clock;
    private final AccountRulesProperties properties;
    /** Lazily: the registered methods themselves ask these rules what a user may add. */
    private final ObjectProvider<MemberMethods> memberMethods;
    private final PhoneNumberCheck phones;
    private final ApplicationEventPublisher events;

    SecurityRulesService(JdbcClient jdbc, AuditLog audit, Notifier notifier, UserService users, AccountAlerts alerts,
                         Clock clock, AccountRulesProperties properties, ObjectProvider<MemberMethods> memberMethods,
                         PhoneNumberCheck phones, ApplicationEventPublisher events) {
        this.events = events;
        this.properties = properties;
        this.memberMethods = memberMethods;
        this.phones = phones;
        this.jdbc = jdbc;
        this.audit = audit;
        this.notifier = notifier;
        this.users = users;
        this.alerts = alerts;
        this.clock = clock;
    }

    /** The rules of an account that exists. */
    public SecurityRules rules(UUID accountId) {
        return jdbc.sql("""
                select require_two_factor, two_factor_grace_days, allowed_methods, device_trust_period,
                       two_factor_required_since, orders_placed_at from accounts where id = ?""")
                .param(accountId).query(SecurityRulesService::rules).single();
    }

    /**
     * Whether the members of this account must have a phone number on file: while its rules allow text-message codes
     * and the deployment can send them (issue 13). Inviting someone then asks for their number.
     */
    public boolean phoneRequired(UUID accountId) {
        return phoneRequired(rules(accountId));
    }

    /** {@link #phoneRequired(UUID)} for rules already read. */
    public boolean phoneRequired(SecurityRules rules) {
        return rules.allows(SMS) && phones.available();
    }

    /**
     * The names of {@code userId}'s accounts that ask every member for a phone number ({@link #phoneRequired}), while
     * the user has none on file: no {@code users.phone} and no text-message method (the members pages' reckoning).
     * Empty when they have one, or no account asks. Nothing is enforced: the Security page asks, calmly.
     */
    public List<String> phoneAskedBy(UUID userId) {
        List<String> asking = accountsOf(userId).stream().filter(r -> phoneRequired(r.rules())).map(Row::name)
                .toList();
        if (asking.isEmpty()
                || jdbc.sql("select count(*) from users where id = ? and phone is not null").param(userId)
                        .query(Long.class).single() > 0
                || memberMethods.getObject().of(userId).contains(SMS)) {
            return List.of();
        }
        return asking;
    }

    /** The text-message method's name, as the rules store it. */
    static final String SMS = "SMS";

    private static SecurityRules rules(ResultSet rs, int row) throws SQLException {
        return new SecurityRules(rs.getBoolean(1), rs.getInt(2), methods(rs.getString(3)),
                DeviceTrustPeriod.valueOf(rs.getString(4)), Db.instant(rs, "two_factor_required_since"),
                Db.instant(rs, "orders_placed_at"));
    }

    private static Set<String> methods(String stored) {
        return stored == null || stored.isBlank() ? Set.of()
                : Arrays.stream(stored.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                        .collect(Collectors.toSet());
    }

    public sealed interface Save {
        /** Saved; {@code changes} says what changed, in words for the log and the owners' email (may be empty). */
        record Saved(SecurityRules rules, List<String> changes) implements Save { }
        /** Nothing saved: what is wrong, by field. */
        record Invalid(FieldProblems problems) implements Save { }
    }

    /**
     * Saves the rules {@code by} chose for the account (the caller has checked that they manage it and re-confirmed):
     * {@code allowed} must be a non-empty subset of {@code known}, all of them meaning "every method". A change is
     * audited on the account with who made it, and the account's alert recipients are emailed, in the same
     * transaction.
     */
    @Transactional
    public Save save(UUID accountId, User by, boolean require, int graceDays, Set<String> allowed,
                     DeviceTrustPeriod trustPeriod, Set<String> known, ClientInfo client) {
        Map<String, String> problems = new LinkedHashMap<>();
        if (trustPeriod == null) {
            problems.put("trustPeriod", "rules.trust.invalid");
        }
        if (!SecurityRules.GRACE_DAYS.contains(graceDays)) {
            problems.put("graceDays", "rules.grace.invalid");
        }
        if (allowed.isEmpty()) {
            problems.put("allowed", "rules.allowed.none");
        } else if (!known.containsAll(allowed)) {
            problems.put("allowed", "rules.allowed.unknown");
        }
        if (!problems.isEmpty()) {
            return new Save.Invalid(new FieldProblems(problems));
        }
        // Rows of one account are changed one at a time: two admins saving at once each see the other's result.
        jdbc.sql("select id from accounts where id = ? for update").param(accountId).query(UUID.class).single();
        SecurityRules before = rules(accountId);
        Instant now = clock.instant();
        Set<String> stored = allowed.containsAll(known) ? Set.of() : allowed;
        Instant since = !require ? null : before.requireTwoFactor() ? before.requiredSince() : now;
        SecurityRules after = new SecurityRules(require, graceDays, stored, trustPeriod, since,
                before.ordersPlacedAt());
        List<String> changes = changes(before, after);
        if (changes.isEmpty()) {
            return new Save.Saved(before, changes);
        }
        jdbc.sql("""
                update accounts set require_two_factor = ?, two_factor_grace_days = ?, allowed_methods = ?,
                       device_trust_period = ?, two_factor_required_since = ? where id = ?""")
                .params(require, graceDays, stored.isEmpty() ? null : String.join(",", new TreeSet<>(stored)),
                        trustPeriod.name(), since == null ? null : Db.ts(since), accountId)
                .update();
        announce(accountId, by.id(), by.named(), changes, now, client);
        if (trustPeriod.compareTo(before.trustPeriod()) < 0) {
            // Trust a shorter period ends stays ended, even when the period grows again later.
            List<UUID> members = jdbc.sql("select user_id from memberships where account_id = ?").param(accountId)
                    .query(UUID.class).list();
            events.publishEvent(new DeviceTrustShortened(members, trustPeriod));
        }
        if (!before.allowedMethods().equals(after.allowedMethods())) {
            tellMembersLeftWithoutAMethod(accountId, by, before, after, now, client);
        }
        return new Save.Saved(after, changes);
    }

    /**
     * Emails each member whose methods this change left all disallowed (they had an allowed one before): from their
     * next sign-in they count as having none and are asked to set up an allowed one, and they should hear it from us
     * first. A member who had no method, or none allowed already, was told nothing new and gets nothing.
     */
    private void tellMembersLeftWithoutAMethod(UUID accountId, User by, SecurityRules before, SecurityRules after,
                                               Instant now, ClientInfo client) {
        MemberMethods methods = memberMethods.getObject();
        String accountName = accountName(accountId);
        List<String> allowedNow = after.allowedMethods().stream().map(methods::displayName).sorted().toList();
        for (UUID memberId : jdbc.sql("select user_id from memberships where account_id = ? order by created_at")
                .param(accountId).query(UUID.class).list()) {
            List<String> own = methods.of(memberId);
            if (own.isEmpty() || own.stream().noneMatch(before::allows) || own.stream().anyMatch(after::allows)) {
                continue;
            }
            users.findById(memberId).ifPresent(member -> notifier.send(SecurityNotice.of(member,
                    "method-no-longer-allowed", now, client, Map.of("accountName", accountName,
                            "changedBy", by.named(), "methods", own.stream().map(methods::displayName).toList(),
                            "allowed", allowedNow))));
        }
    }

    private String accountName(UUID accountId) {
        return jdbc.sql("select name from accounts where id = ?").param(accountId).query(String.class).single();
    }

    /**
     * Records a change of the account's rules on the account (who made it: {@code byId}, null for Gatehouse itself)
     * and alerts the account's recipients ({@link AccountAlerts}), in the caller's transaction.
     */
    private void announce(UUID accountId, UUID byId, String byName, List<String> changes, Instant now,
                          ClientInfo client) {
        String detail = String.join("; ", changes);
        audit.record(AuditEventType.ACCOUNT_RULES_CHANGED, byId, accountId, client,
                detail.length() > 500 ? detail.substring(0, 500) : detail);
        alerts.rulesChanged(accountId, byName, changes, now, client);
    }

    /** What changed, in the words of the log ("required: on"); empty when nothing did. */
    static List<String> changes(SecurityRules before, SecurityRules after) {
        List<String> changes = new ArrayList<>();
        if (before.requireTwoFactor() != after.requireTwoFactor()) {
            changes.add("two-step verification required: " + (after.requireTwoFactor() ? "on" : "off"));
        }
        if (before.graceDays() != after.graceDays()) {
            changes.add("grace period: " + days(after.graceDays()));
        }
        if (!before.allowedMethods().equals(after.allowedMethods())) {
            changes.add("allowed methods: " + (after.allowedMethods().isEmpty() ? "all"
                    : String.join(", ", new TreeSet<>(after.allowedMethods()))));
        }
        if (before.trustPeriod() != after.trustPeriod()) {
            changes.add("remember devices for: " + after.trustPeriod().displayName());
        }
        return changes;
    }

    private static String days(int days) {
        return days == 0 ? "none" : days == 1 ? "1 day" : days + " days";
    }

    /** One of a user's accounts: its name, its rules, and when the user joined it. */
    private record Row(String name, SecurityRules rules, Instant joinedAt) { }

    private List<Row> accountsOf(UUID userId) {
        return jdbc.sql("""
                select a.require_two_factor, a.two_factor_grace_days, a.allowed_methods, a.device_trust_period,
                       a.two_factor_required_since, a.orders_placed_at, a.name, m.created_at
                from memberships m join accounts a on a.id = m.account_id where m.user_id = ? order by a.name, a.id""")
                .param(userId)
                .query((rs, n) -> new Row(rs.getString(7), rules(rs, n), Db.instant(rs, "created_at")))
                .list();
    }

    /**
     * Which accounts set the rules {@code userId} is held to ({@link #rulesFor}): those that require two-step
     * verification, those whose allowed methods limit theirs (by the same reckoning as {@link #rulesFor}), and the one
     * whose trust period applies.
     */
    public RuleOrigins originsFor(UUID userId) {
        List<Row> rows = accountsOf(userId);
        if (rows.isEmpty()) {
            return RuleOrigins.NONE;
        }
        List<Row> requiring = rows.stream().filter(r -> r.rules().required()).toList();
        List<Row> limiting = requiring.isEmpty() ? rows : requiring;
        Row trust = rows.stream().min(Comparator.comparing((Row r) -> r.rules().trustPeriod())).orElseThrow();
        return new RuleOrigins(requiring.stream().map(Row::name).toList(),
                limiting.stream().filter(r -> !r.rules().allowedMethods().isEmpty()).map(Row::name).toList(),
                java.util.Optional.of(trust.name()));
    }

    /** The rules {@code userId} is held to now: the strictest of their accounts' ({@link MemberRules}). */
    public MemberRules rulesFor(UUID userId) {
        List<Row> rows = accountsOf(userId);
        if (rows.isEmpty()) {
            return MemberRules.NONE;
        }
        List<Row> requiring = rows.stream().filter(r -> r.rules().required()).toList();
        Instant skipUntil = null;
        if (!requiring.isEmpty()) {
            // Each requiring account's grace runs from when its rule reached the user; the earliest end wins, and an
            // account without a grace period allows no skip at all.
            skipUntil = requiring.stream().map(r -> graceEnd(r.rules(), r.joinedAt()))
                    .min(Comparator.naturalOrder()).orElseThrow();
            if (skipUntil.equals(Instant.MIN)) {
                skipUntil = null;
            }
        }
        // The limits of the accounts that require two-step verification, when any does: an account that requires
        // nothing (the user's own, say) must not widen what a requiring one allows.
        List<Row> limiting = requiring.isEmpty() ? rows : requiring;
        List<Set<String>> limits = limiting.stream().map(r -> r.rules().allowedMethods())
                .filter(s -> !s.isEmpty()).toList();
        Set<String> allowed = Set.of();
        if (!limits.isEmpty()) {
            Set<String> common = new HashSet<>(limits.get(0));
            limits.forEach(common::retainAll);
            if (common.isEmpty() && requiring.isEmpty()) {
                // Nothing required: the union keeps every account's own limit from taking all choice away. While
                // some account requires it, the accounts disagree and nothing can be added (MemberRules#disagree).
                limits.forEach(common::addAll);
            }
            allowed = Set.copyOf(common);
        }
        // Each requiring account's own limit: each must be met by a method it allows (MemberRules#unmetBy).
        List<MemberRules.Limit> each = requiring.stream().filter(r -> !r.rules().allowedMethods().isEmpty())
                .map(r -> new MemberRules.Limit(r.name(), r.rules().allowedMethods())).toList();
        return new MemberRules(!requiring.isEmpty(), skipUntil, allowed,
                requiring.stream().map(Row::name).findFirst(), each);
    }

    /**
     * When a member who joined at {@code joinedAt} may no longer postpone setting up a method under these rules;
     * {@link Instant#MIN} for not at all. The admins' switch uses their grace period from when it was turned on; a
     * condition alone uses the deployment's {@code condition-grace-period} from when it began.
     */
    private Instant graceEnd(SecurityRules rules, Instant joinedAt) {
        // Both the switch and a condition may hold: the earlier end wins, so turning the switch on again cannot give
        // members more time than the condition left them.
        Instant end = Instant.MAX;
        if (rules.requireTwoFactor()) {
            end = graceEnd(rules.requiredSince(), Duration.ofDays(rules.graceDays()), joinedAt);
        }
        if (rules.requiredByCondition()) {
            Instant byCondition = graceEnd(rules.ordersPlacedAt(), properties.conditionGracePeriod(), joinedAt);
            end = byCondition.isBefore(end) ? byCondition : end;
        }
        return end;
    }

    private static Instant graceEnd(Instant since, Duration grace, Instant joinedAt) {
        if (grace.isZero()) {
            return Instant.MIN;
        }
        Instant reached = since == null || joinedAt.isAfter(since) ? joinedAt : since;
        return reached.plus(grace);
    }

    /**
     * The relying application reports that the account has placed orders: from now on its members must have a
     * method, whatever the admins' switch says (with the deployment's grace period for conditions). Only the first
     * report counts; it is recorded on the account and its owners are emailed. Returns whether this report was the
     * first. The REST API exposes it to the account's applications ({@link #ordersPlaced(UUID, String, ClientInfo)}).
     */
    @Transactional
    public boolean ordersPlaced(UUID accountId, ClientInfo client) {
        return ordersPlaced(accountId, "Gatehouse", client);
    }

    /** {@link #ordersPlaced(UUID, ClientInfo)} reported by {@code byName} (an API client), named to the owners. */
    @Transactional
    public boolean ordersPlaced(UUID accountId, String byName, ClientInfo client) {
        Instant now = clock.instant();
        int first = jdbc.sql("update accounts set orders_placed_at = ? where id = ? and orders_placed_at is null")
                .params(Db.ts(now), accountId).update();
        if (first == 0) {
            return false;
        }
        announce(accountId, null, byName,
                List.of("two-step verification required: the account has placed orders"), now, client);
        return true;
    }

    /**
     * The relying application withdraws its report of orders (e.g. sent by mistake): the condition no longer requires
     * two-step verification (the admins' switch still may). Recorded and announced like the report; a report made
     * again later starts a new grace period. Returns whether the condition was set.
     */
    @Transactional
    public boolean ordersCleared(UUID accountId, String byName, ClientInfo client) {
        Instant now = clock.instant();
        int cleared = jdbc.sql("""
                update accounts set orders_placed_at = null where id = ? and orders_placed_at is not null""")
                .param(accountId).update();
        if (cleared == 0) {
            return false;
        }
        announce(accountId, null, byName,
                List.of("two-step verification no longer required by placed orders (the report was withdrawn)"), now,
                client);
        return true;
    }
}

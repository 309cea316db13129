package dev.gatehouse.account;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
import dev.gatehouse.user.User;

/**
 * Who receives an account's security alerts ({@link AlertSettings}): the roles an owner chose, and extra addresses,
 * each of which receives nothing until its single-use link is used (256 random bits, kept as SHA-256, valid
 * {@link #LINK_VALIDITY}; one conditional UPDATE decides, on any node). Whether the caller may change them is the
 * caller's to check (owners, after confirming it's them); every change is audited on the account.
 */
@Service
public class AlertRecipients {

    /** How long a confirmation link works: the address may be a team's mailbox, read less often than a person's. */
    public static final Duration LINK_VALIDITY = Duration.ofDays(7);
    /** Extra addresses per account, confirmed or waiting. */
    public static final int MAX_ADDRESSES = 10;

    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final Notifier notifier;
    private final GatehouseProperties gatehouse;
    private final Clock clock;
    private final AddressMailBudget mailBudget;

    AlertRecipients(JdbcClient jdbc, AuditLog audit, Notifier notifier, GatehouseProperties gatehouse, Clock clock,
                    AddressMailBudget mailBudget) {
        this.mailBudget = mailBudget;
        this.jdbc = jdbc;
        this.audit = audit;
        this.notifier = notifier;
        this.gatehouse = gatehouse;
        this.clock = clock;
    }

    /** The settings of an account that exists, addresses in the order they were added. */
    public AlertSettings settings(UUID accountId) {
        List<AlertAddress> addresses = jdbc.sql("""
                select id, email, created_at, expires_at, confirmed_at from account_alert_addresses
                where account_id = ? order by created_at, email_normalized""")
                .param(accountId)
                .query((rs, n) -> new AlertAddress(rs.getObject(1, UUID.class), rs.getString(2),
                        Db.instant(rs, "created_at"), Db.instant(rs, "expires_at"), Db.instant(rs, "confirmed_at")))
                .list();
        return jdbc.sql("select alerts_to_owners, alerts_to_admins from accounts where id = ?").param(accountId)
                .query((rs, n) -> new AlertSettings(rs.getBoolean(1), rs.getBoolean(2), addresses)).single();
    }

    public sealed interface Change {
        /** Saved; {@code changed} is false when the choice was the one already stored (nothing recorded). */
        record Saved(boolean changed) implements Change { }
        record Invalid(FieldProblems problems) implements Change { }
    }

    /**
     * Chooses which roles receive the alerts. At least one must: an extra address alone could be mistyped or never
     * confirmed, and then nobody would hear of an attack.
     */
    @Transactional
    public Change chooseRoles(UUID accountId, User by, boolean owners, boolean admins, ClientInfo client) {
        if (!owners && !admins) {
            return new Change.Invalid(new FieldProblems(Map.of("roles", "recipients.roles.none")));
        }
        int changed = jdbc.sql("""
                update accounts set alerts_to_owners = ?, alerts_to_admins = ?
                where id = ? and (alerts_to_owners <> ? or alerts_to_admins <> ?)""")
                .params(owners, admins, accountId, owners, admins).update();
        if (changed == 0) {
            return new Change.Saved(false);
        }
        audit.record(AuditEventType.ALERT_RECIPIENTS_CHANGED, by.id(), accountId, client,
                "alerts to: " + (owners && admins ? "owners, admins" : owners ? "owners" : "admins"));
        return new Change.Saved(true);
    }

    public sealed interface Add {
        /** A confirmation link was emailed to the address (normalized). */
        record Sent(String email) implements Add { }
        record Invalid(FieldProblems problems) implements Add { }
        /**
         * The address has had enough emails from accounts lately, or this account has sent enough ({@code byAccount};
         * {@link AddressMailBudget}): nothing changed.
         */
        record TooMany(Instant until, boolean byAccount) implements Add { }
    }

    /**
     * Adds an extra address and emails it a confirmation link; adding an address that is still waiting sends a new
     * link, which ends the old one. An address already confirmed, a bad one, or one past {@link #MAX_ADDRESSES} is
     * refused (field {@code email}).
     */
    @Transactional
    public Add add(UUID accountId, User by, String typed, ClientInfo client) {
        Optional<String> problem = Inputs.emailProblem(typed);
        if (problem.isPresent()) {
            return new Add.Invalid(new FieldProblems(Map.of("email", problem.get())));
        }
        String email = Inputs.normalizeEmail(typed);
        // Addresses of one account are changed one at a time, so the cap and the one row per address hold.
        String accountName = jdbc.sql("select name from accounts where id = ? for update").param(accountId)
                .query(String.class).single();
        record Row(UUID id, boolean confirmed) { }
        Optional<Row> existing = jdbc.sql("""
                select id, confirmed_at from account_alert_addresses where account_id = ? and email_normalized = ?""")
                .params(accountId, email)
                .query((rs, n) -> new Row(rs.getObject(1, UUID.class), rs.getObject(2) != null)).optional();
        if (existing.isPresent() && existing.get().confirmed()) {
            return new Add.Invalid(new FieldProblems(Map.of("email", "recipients.address.already")));
        }
        Instant now = clock.instant();
        if (existing.isEmpty() && jdbc.sql("select count(*) from account_alert_addresses where account_id = ?")
                .param(accountId).query(Long.class).single() >= MAX_ADDRESSES) {
            return new Add.Invalid(new FieldProblems(Map.of("email", "recipients.address.tooMany")));
        }
        Optional<AddressMailBudget.Busy> busy = mailBudget.take(accountId, email, now);
        if (busy.isPresent()) {
            return new Add.TooMany(busy.get().until(), busy.get().account());
        }
        Instant expires = now.plus(LINK_VALIDITY);
        String token = RandomCodes.token();
        if (existing.isPresent()) {
            jdbc.sql("update account_alert_addresses set token_hash = ?, expires_at = ? where id = ?")
                    .params(Tokens.sha256(token), Db.ts(expires), existing.get().id()).update();
        } else {
            jdbc.sql("""
                    insert into account_alert_addresses (id, account_id, email, email_normalized, token_hash,
                                                         created_at, expires_at, added_by)
                    values (?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(UUID.randomUUID(), accountId, email, email, Tokens.sha256(token), Db.ts(now),
                            Db.ts(expires), by.id())
                    .update();
        }
        audit.record(AuditEventType.ALERT_RECIPIENTS_CHANGED, by.id(), accountId, client,
                "address added, waiting for its link: " + email);
        notifier.send(new EmailMessage(email, "account-alerts-confirm", Map.of("accountName", accountName,
                "addedBy", by.displayName(), "link", gatehouse.link("/alerts/confirm/" + token),
                "validDays", LINK_VALIDITY.toDays()), expires));
        return new Add.Sent(email);
    }

    /** Removes an extra address of this account (its id is looked up in this account only); false when none. */
    @Transactional
    public boolean remove(UUID accountId, User by, UUID addressId, ClientInfo client) {
        Optional<String> email = jdbc.sql("""
                select email from account_alert_addresses where id = ? and account_id = ? for update""")
                .params(addressId, accountId).query(String.class).optional();
        if (email.isEmpty()
                || jdbc.sql("delete from account_alert_addresses where id = ? and account_id = ?")
                .params(addressId, accountId).update() != 1) {
            return false;
        }
        audit.record(AuditEventType.ALERT_RECIPIENTS_CHANGED, by.id(), accountId, client,
                "address removed: " + email.get());
        return true;
    }

    /** An address waiting for the link that was sent to it. */
    public record Pending(UUID id, UUID accountId, String accountName, String email) {
    }

    /** The address a link confirms, while the link works (not used, not replaced, not expired). */
    public Optional<Pending> pending(String token) {
        if (token == null || token.isEmpty() || token.length() > 100) {
            return Optional.empty();
        }
        return jdbc.sql("""
                select x.id, x.account_id, a.name, x.email from account_alert_addresses x
                join accounts a on a.id = x.account_id
                where x.token_hash = ? and x.confirmed_at is null and x.expires_at > ?""")
                .params(Tokens.sha256(token), Db.ts(clock.instant()))
                .query((rs, n) -> new Pending(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getString(3), rs.getString(4)))
                .optional();
    }

    /**
     * Uses a link: from now on its address receives the account's alerts. Once only, whichever node is asked:
     * one conditional UPDATE decides. Empty when the link does not work.
     */
    @Transactional
    public Optional<Pending> confirm(String token, ClientInfo client) {
        Optional<Pending> pending = pending(token);
        Instant now = clock.instant();
        if (pending.isEmpty() || jdbc.sql("""
                update account_alert_addresses set confirmed_at = ?, token_hash = null
                where id = ? and token_hash = ? and confirmed_at is null and expires_at > ?""")
                .params(Db.ts(now), pending.get().id(), Tokens.sha256(token), Db.ts(now)).update() != 1) {
            return Optional.empty();
        }
        audit.record(AuditEventType.ALERT_RECIPIENTS_CHANGED, null, pending.get().accountId(), client,
                "address confirmed by its link: " + pending.get().email());
        return pending;
    }

    /** Where one alert of the account goes: an address, and the name to greet (empty for an extra address). */
    record Recipient(String email, String displayName) {
    }

    /**
     * The addresses the account's alerts go to now, each once (by normalized address): the members in the chosen
     * roles, then the confirmed extra addresses.
     */
    List<Recipient> recipients(UUID accountId) {
        Map<String, Recipient> byAddress = new LinkedHashMap<>();
        jdbc.sql("""
                select u.email, u.email_normalized, u.display_name from memberships m
                join users u on u.id = m.user_id join accounts a on a.id = m.account_id
                where m.account_id = ? and ((m.role = 'OWNER' and a.alerts_to_owners)
                                            or (m.role = 'ADMIN' and a.alerts_to_admins))
                order by m.created_at, u.id""")
                .param(accountId)
                .query((rs, n) -> Map.entry(rs.getString(2), new Recipient(rs.getString(1), rs.getString(3))))
                .list().forEach(e -> byAddress.putIfAbsent(e.getKey(), e.getValue()));
        jdbc.sql("""
                select email_normalized from account_alert_addresses
                where account_id = ? and confirmed_at is not null order by confirmed_at, email_normalized""")
                .param(accountId).query(String.class).list()
                .forEach(email -> byAddress.putIfAbsent(email, new Recipient(email, "")));
        return new ArrayList<>(byAddress.values());
    }
}

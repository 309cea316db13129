package dev.gatehouse.account;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiConsumer;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import dev.gatehouse.notify.EmailMessage;
import dev.gatehouse.notify.Notifier;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.system.Inputs;
import dev.gatehouse.user.User;

/**
 * The account's security alerts, to its recipients ({@link AlertRecipients}): each alert goes once to each distinct
 * address, through the outbox, in the transaction of the change it reports. The person an alert is about gets their
 * own notice from the code that changed them, so they are left out here (a member locked out is not told twice).
 */
@Service
public class AccountAlerts {

    private final JdbcClient jdbc;
    private final AlertRecipients recipients;
    private final Notifier notifier;

    AccountAlerts(JdbcClient jdbc, AlertRecipients recipients, Notifier notifier) {
        this.jdbc = jdbc;
        this.recipients = recipients;
        this.notifier = notifier;
    }

    /** Someone ({@code byName}; "Gatehouse" for a condition) changed the account's two-step verification rules. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void rulesChanged(UUID accountId, String byName, List<String> changes, Instant now, ClientInfo client) {
        String accountName = accountName(accountId);
        for (AlertRecipients.Recipient to : recipients.recipients(accountId)) {
            notifier.send(message(to, "account-rules-changed", now, client, Map.of("accountName", accountName,
                    "changedBy", byName, "changes", changes, "accountId", accountId.toString())));
        }
    }

    /** {@code by} reset the two-step verification of {@code member} of the account. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void memberReset(UUID accountId, User member, User by, Instant now, ClientInfo client) {
        String accountName = accountName(accountId);
        for (AlertRecipients.Recipient to : recipients.recipients(accountId)) {
            if (!same(to.email(), member.email())) {
                notifier.send(message(to, "account-member-reset", now, client, Map.of("accountName", accountName,
                        "memberName", member.displayName(), "memberEmail", member.email(),
                        "resetBy", by.named(), "accountId", accountId.toString())));
            }
        }
    }

    /**
     * Code entry of {@code member} was locked until {@code until}: the recipients of every account the member belongs
     * to are alerted, one email per address naming the accounts it receives alerts for.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void memberLockedOut(User member, Instant until, Instant now, ClientInfo client) {
        acrossAccounts(member, (to, accountNames) -> notifier.send(message(to, "account-member-locked", now, client,
                Map.of("accountName", accountNames, "memberName", member.displayName(), "memberEmail", member.email(),
                        "until", until, "minutes", Duration.between(now, until).toMinutes()))));
    }

    /**
     * The server's operator reset the two-step verification of {@code member} (from the command line): the recipients
     * of every account the member belongs to are told, one email per address naming the accounts.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void memberResetByOperator(User member, Instant now, ClientInfo client) {
        acrossAccounts(member, (to, accountNames) -> notifier.send(message(to, "account-member-reset-by-operator",
                now, client, Map.of("accountName", accountNames, "memberName", member.displayName(),
                        "memberEmail", member.email()))));
    }

    /**
     * Each alert recipient of the accounts {@code member} belongs to, once per address (never the member), with the
     * names of the accounts it receives alerts for, joined.
     */
    private void acrossAccounts(User member, BiConsumer<AlertRecipients.Recipient, String> alert) {
        Map<String, AlertRecipients.Recipient> who = new LinkedHashMap<>();
        Map<String, List<String>> accountsOf = new LinkedHashMap<>();
        List<Map.Entry<UUID, String>> accounts = jdbc.sql("""
                select a.id, a.name from memberships m join accounts a on a.id = m.account_id
                where m.user_id = ? order by a.name, a.id""")
                .param(member.id())
                .query((rs, n) -> Map.entry(rs.getObject(1, UUID.class), rs.getString(2))).list();
        for (Map.Entry<UUID, String> account : accounts) {
            for (AlertRecipients.Recipient to : recipients.recipients(account.getKey())) {
                String key = Inputs.normalizeEmail(to.email());
                if (!same(to.email(), member.email())) {
                    who.putIfAbsent(key, to);
                    accountsOf.computeIfAbsent(key, k -> new ArrayList<>()).add(account.getValue());
                }
            }
        }
        who.forEach((key, to) -> alert.accept(to, String.join(", ", accountsOf.get(key))));
    }

    private String accountName(UUID accountId) {
        return jdbc.sql("select name from accounts where id = ?").param(accountId).query(String.class).single();
    }

    private static boolean same(String a, String b) {
        return Inputs.normalizeEmail(a).equals(Inputs.normalizeEmail(b));
    }

    /** Every alert says when, from which browser and which address, like a user's security notice. */
    private static EmailMessage message(AlertRecipients.Recipient to, String template, Instant now, ClientInfo client,
                                        Map<String, Object> details) {
        Map<String, Object> variables = new LinkedHashMap<>(details);
        variables.put("displayName", to.displayName());
        variables.put("when", now);
        variables.put("ip", client.ip());
        variables.put("browser", client.browser());
        return EmailMessage.of(to.email(), template, variables);
    }
}

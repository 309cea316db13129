package dev.gatehouse.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.factor.FactorService;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.testsupport.DevMail;
import dev.gatehouse.testsupport.H2Test;
import dev.gatehouse.testsupport.MutableClock;
import dev.gatehouse.testsupport.TestUsers;

/**
 * Who receives an account's security alerts, at the service: an extra address gets nothing until its single-use link
 * is used, each alert reaches each address once, and the roles chosen hold for every kind of alert.
 */
@H2Test
class AlertRecipientsOnH2Test {

    static final Set<String> KNOWN = Set.of("TOTP", "EMAIL", "SMS", "WEBAUTHN");
    static final ClientInfo CLIENT = new ClientInfo("198.51.100.23", "Mozilla/5.0 Firefox/140.0");
    private static final Pattern LINK = Pattern.compile("/alerts/confirm/([A-Za-z0-9_-]+)");

    @Autowired
    ApplicationContext context;

    @Autowired
    AlertRecipients recipients;

    @Autowired
    AccountAlerts alerts;

    @Autowired
    SecurityRulesService rules;

    @Autowired
    AccountService accounts;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    MutableClock clock;

    TestUsers users;

    @BeforeEach
    void setUp() {
        users = new TestUsers(context);
    }

    @Test
    void addWhenNotYetConfirmedThenNothingArrivesAndOnceConfirmedEachAlertOnce() {
        TestUsers.Created owner = users.create("alerts-extra");
        String extra = unique("security");

        assertThat(recipients.add(owner.accountId(), owner.user(), "  " + extra.toUpperCase() + " ", CLIENT))
                .isEqualTo(new AlertRecipients.Add.Sent(extra));
        String token = token(extra);
        changeRules(owner, 7);
        assertThat(mails(extra, "sign-in rules")).as("unconfirmed: nothing but the link").isZero();
        assertThat(recipients.settings(owner.accountId()).addresses()).singleElement()
                .satisfies(a -> assertThat(a.confirmed()).isFalse());

        assertThat(recipients.pending(token)).hasValueSatisfying(p -> assertThat(p.accountName())
                .isEqualTo("alerts-extra Ltd"));
        assertThat(recipients.confirm(token, CLIENT)).isPresent();
        assertThat(recipients.confirm(token, CLIENT)).as("single use").isEmpty();
        assertThat(recipients.pending(token)).isEmpty();
        changeRules(owner, 14);
        assertThat(mails(extra, "sign-in rules")).isEqualTo(1);
        assertThat(mails(owner.email(), "sign-in rules")).isEqualTo(2);

        // Confirmed already: refused, no new link.
        assertThat(recipients.add(owner.accountId(), owner.user(), extra, CLIENT))
                .isInstanceOfSatisfying(AlertRecipients.Add.Invalid.class, invalid -> assertThat(
                        invalid.problems().byField()).containsEntry("email", "recipients.address.already"));
        assertThat(mails(extra, "confirm this address")).isEqualTo(1);
        assertThat(jdbc.sql("""
                select detail from audit_events where account_id = ? and type = 'ALERT_RECIPIENTS_CHANGED'
                order by id""").param(owner.accountId()).query(String.class).list())
                .containsExactly("address added, waiting for its link: " + extra,
                        "address confirmed by its link: " + extra);
    }

    @Test
    void addWhenTheAddressHadThreeEmailsThisHourThenNoLinkSentUntilItPassesAndTheLastLinkStillWorks() {
        TestUsers.Created owner = users.create("alerts-flood");
        String extra = unique("flooded");
        for (int i = 1; i <= 3; i++) {
            assertThat(recipients.add(owner.accountId(), owner.user(), extra, CLIENT)).as("email " + i)
                    .isInstanceOf(AlertRecipients.Add.Sent.class);
        }
        // Senders run in parallel (outbox lanes), so the three emails may arrive in any order: of their three links,
        // the newest is the one that works, and it must still work after the refusal below.
        java.util.List<String> links = java.util.List.of(token(extra, 1), token(extra, 2), token(extra, 3));

        AlertRecipients.Add refused = recipients.add(owner.accountId(), owner.user(), extra, CLIENT);

        assertThat(refused).isInstanceOf(AlertRecipients.Add.TooMany.class);
        assertThat(links.stream().filter(t -> recipients.pending(t).isPresent()).count())
                .as("nothing changed: the last link works, and only it").isEqualTo(1);
        clock.advance(java.time.Duration.ofHours(1));
        assertThat(recipients.add(owner.accountId(), owner.user(), extra, CLIENT))
                .isInstanceOf(AlertRecipients.Add.Sent.class);
    }

    @Test
    void confirmWhenLinkExpiredOrReplacedThenRefusedAndOnlyTheNewestWorks() {
        TestUsers.Created owner = users.create("alerts-expiry");
        String extra = unique("expiring");
        recipients.add(owner.accountId(), owner.user(), extra, CLIENT);
        String first = token(extra);

        clock.advance(AlertRecipients.LINK_VALIDITY);
        assertThat(recipients.pending(first)).as("closed at its end").isEmpty();
        assertThat(recipients.confirm(first, CLIENT)).isEmpty();
        assertThat(recipients.settings(owner.accountId()).addresses().get(0).expiredAt(clock.instant())).isTrue();

        // Added again: a new link; the old one stays dead even though the row is the same.
        recipients.add(owner.accountId(), owner.user(), extra, CLIENT);
        String second = token(extra, 2);
        assertThat(second).isNotEqualTo(first);
        assertThat(recipients.confirm(first, CLIENT)).isEmpty();
        clock.advance(AlertRecipients.LINK_VALIDITY.minusSeconds(1));
        assertThat(recipients.confirm(second, CLIENT)).isPresent();
        assertThat(recipients.settings(owner.accountId()).addresses()).singleElement()
                .satisfies(a -> assertThat(a.confirmed()).isTrue());
    }

    @Test
    void alertsWhenAnAddressIsOwnerAdminAndExtraAtOnceThenItGetsEachAlertOnce() {
        TestUsers.Created owner = users.create("alerts-dedup");
        TestUsers.Created admin = users.create("alerts-dedup-admin");
        accounts.addMember(owner.accountId(), admin.user().id(), Role.ADMIN);
        recipients.chooseRoles(owner.accountId(), owner.user(), true, true, CLIENT);
        // The owner's own address and the admin's (in other letters) as extra addresses, confirmed.
        recipients.add(owner.accountId(), owner.user(), owner.email(), CLIENT);
        recipients.confirm(token(owner.email()), CLIENT);
        recipients.add(owner.accountId(), owner.user(), admin.email().toUpperCase(), CLIENT);
        recipients.confirm(token(admin.email()), CLIENT);

        changeRules(owner, 3);
        assertThat(mails(owner.email(), "sign-in rules")).isEqualTo(1);
        assertThat(mails(admin.email(), "sign-in rules")).isEqualTo(1);
    }

    @Test
    void alertsWhenRolesChosenThenEveryKindOfAlertGoesToThoseRolesOnly() {
        TestUsers.Created owner = users.create("alerts-roles");
        TestUsers.Created admin = users.create("alerts-roles-admin");
        TestUsers.Created member = users.create("alerts-roles-member");
        accounts.addMember(owner.accountId(), admin.user().id(), Role.ADMIN);
        accounts.addMember(owner.accountId(), member.user().id(), Role.MEMBER);
        jdbc.sql("delete from memberships where user_id = ? and account_id <> ?")
                .params(member.user().id(), owner.accountId()).update();

        // By default: the owners only.
        changeRules(owner, 1);
        reset(owner, member, admin);
        lockOut(member);
        assertThat(alertsTo(owner.email())).containsExactlyInAnyOrder("rules", "reset", "locked");
        assertThat(alertsTo(admin.email())).isEmpty();
        assertThat(alertsTo(member.email())).as("members never; the member reset or locked gets their own notice")
                .isEmpty();

        // Nobody at all is refused, and changes nothing.
        assertThat(recipients.chooseRoles(owner.accountId(), owner.user(), false, false, CLIENT))
                .isInstanceOfSatisfying(AlertRecipients.Change.Invalid.class, invalid -> assertThat(
                        invalid.problems().byField()).containsEntry("roles", "recipients.roles.none"));
        assertThat(recipients.settings(owner.accountId()).owners()).isTrue();

        // The admins only.
        assertThat(recipients.chooseRoles(owner.accountId(), owner.user(), false, true, CLIENT))
                .isEqualTo(new AlertRecipients.Change.Saved(true));
        assertThat(recipients.chooseRoles(owner.accountId(), owner.user(), false, true, CLIENT))
                .as("the same again is no change").isEqualTo(new AlertRecipients.Change.Saved(false));
        changeRules(owner, 3);
        reset(owner, member, admin);
        lockOut(member);
        assertThat(alertsTo(owner.email())).containsExactlyInAnyOrder("rules", "reset", "locked");
        assertThat(alertsTo(admin.email())).containsExactlyInAnyOrder("rules", "reset", "locked");
        assertThat(jdbc.sql("""
                select user_id || ' ' || detail from audit_events
                where account_id = ? and type = 'ALERT_RECIPIENTS_CHANGED'""")
                .param(owner.accountId()).query(String.class).single())
                .isEqualTo(owner.user().id() + " alerts to: admins");
    }

    @Test
    void memberLockedOutWhenInSeveralAccountsThenEachRecipientOnceNamingItsAccounts() {
        TestUsers.Created member = users.create("alerts-locked");
        TestUsers.Created first = users.create("alerts-first");
        TestUsers.Created second = users.create("alerts-second");
        accounts.addMember(first.accountId(), member.user().id(), Role.MEMBER);
        accounts.addMember(second.accountId(), member.user().id(), Role.MEMBER);
        accounts.addMember(second.accountId(), first.user().id(), Role.OWNER);

        lockOut(member);

        assertThat(mails(member.email(), "locked out")).as("their own account: themselves, left out").isZero();
        assertThat(mails(second.email(), "locked out")).isEqualTo(1);
        assertThat(jdbc.sql("select subject from outbox where recipient = ? and subject like '%locked out%'")
                .param(first.email()).query(String.class).single())
                .as("owner of both: one email naming both")
                .isEqualTo("Gatehouse: a member of alerts-first Ltd, alerts-second Ltd was locked out after too many "
                        + "wrong codes");
    }

    @Test
    void removeWhenTheAddressIsAnotherAccountsThenNothingChanges() {
        TestUsers.Created owner = users.create("alerts-remove");
        TestUsers.Created other = users.create("alerts-other");
        recipients.add(owner.accountId(), owner.user(), unique("kept"), CLIENT);
        UUID id = recipients.settings(owner.accountId()).addresses().get(0).id();

        assertThat(recipients.remove(other.accountId(), other.user(), id, CLIENT)).isFalse();
        assertThat(recipients.settings(owner.accountId()).addresses()).hasSize(1);
        assertThat(recipients.remove(owner.accountId(), owner.user(), id, CLIENT)).isTrue();
        assertThat(recipients.settings(owner.accountId()).addresses()).isEmpty();
    }

    @Test
    void addWhenTenAddressesAlreadyThenRefused() {
        TestUsers.Created owner = users.create("alerts-many");
        for (int i = 0; i < AlertRecipients.MAX_ADDRESSES; i++) {
            assertThat(recipients.add(owner.accountId(), owner.user(), unique("many" + i), CLIENT))
                    .isInstanceOf(AlertRecipients.Add.Sent.class);
        }
        assertThat(recipients.add(owner.accountId(), owner.user(), unique("one-more"), CLIENT))
                .isInstanceOfSatisfying(AlertRecipients.Add.Invalid.class, invalid -> assertThat(
                        invalid.problems().byField()).containsEntry("email", "recipients.address.tooMany"));
        assertThat(recipients.add(owner.accountId(), owner.user(), "not an address", CLIENT))
                .isInstanceOfSatisfying(AlertRecipients.Add.Invalid.class, invalid -> assertThat(
                        invalid.problems().byField()).containsEntry("email", "input.email.invalid"));
    }

    private void changeRules(TestUsers.Created owner, int graceDays) {
        rules.save(owner.accountId(), owner.user(), true, graceDays, KNOWN, DeviceTrustPeriod.THIRTY_DAYS, KNOWN,
                CLIENT);
    }

    /** The reset of an owner or admin, as the member page does it (the member has no method: nothing else goes). */
    private void reset(TestUsers.Created owner, TestUsers.Created member, TestUsers.Created by) {
        context.getBean(FactorService.class).resetByAdmin(member.user(), by.user(), owner.accountId(),
                "alerts-roles Ltd", CLIENT);
    }

    /** What code entry's lock does once it is placed (the lock itself is the sign-in flow tests' business). */
    private void lockOut(TestUsers.Created member) {
        Instant now = clock.instant();
        tx.executeWithoutResult(status -> alerts.memberLockedOut(member.user(), now.plus(Duration.ofMinutes(5)), now,
                CLIENT));
    }

    /** The kinds of alert the address received, oldest first. */
    private List<String> alertsTo(String email) {
        return jdbc.sql("select subject from outbox where recipient = ? order by created_at, id").param(email)
                .query(String.class).list().stream()
                .map(s -> s.contains("sign-in rules") ? "rules" : s.contains("of a member of") ? "reset"
                        : s.contains("locked out") ? "locked" : null)
                .filter(java.util.Objects::nonNull).toList();
    }

    private long mails(String recipient, String subjectPart) {
        return jdbc.sql("select count(*) from outbox where lower(recipient) = lower(?) and subject like ?")
                .params(recipient, "%" + subjectPart + "%").query(Long.class).single();
    }

    /**
     * The token of the newest confirmation link sent to the address, read from what was delivered (the outbox keeps no
     * body once a message is out); waits for the {@code nth} such link.
     */
    private String token(String email, int nth) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<DevMail.Message> links;
        do {
            links = new DevMail(context).to(email).stream()
                    .filter(m -> m.subject().contains("confirm this address")).toList();
            if (links.size() >= nth) {
                Matcher m = LINK.matcher(links.get(nth - 1).text());
                assertThat(m.find()).isTrue();
                return m.group(1);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no link number " + nth + " to " + email);
    }

    private String token(String email) {
        return token(email, 1);
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    }
}

package dev.gatehouse.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.testsupport.MutableClock;
import dev.gatehouse.testsupport.TestUsers;

/**
 * The activity lists at the log: keyset pages that walk every event once in both directions (events at the same
 * instant included), the kind filter, and which events an account's owners and admins see. Run on H2 and PostgreSQL.
 */
abstract class ActivityLogTests {

    static final ClientInfo CLIENT = new ClientInfo("198.51.100.23", "Mozilla/5.0 Firefox/140.0");

    @Autowired
    ApplicationContext context;

    @Autowired
    AuditLog audit;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MutableClock clock;

    TestUsers users;

    @BeforeEach
    void setUp() {
        users = new TestUsers(context);
    }

    private void join(UUID accountId, UUID userId, String role) {
        jdbc.sql("insert into memberships (account_id, user_id, role, created_at) values (?, ?, ?, ?)")
                .params(accountId, userId, role, Timestamp.from(clock.instant())).update();
    }

    private static List<Long> ids(List<AuditEvent> events) {
        return events.stream().map(AuditEvent::id).toList();
    }

    private List<Long> all(UUID userId) {
        return jdbc.sql("select id from audit_events where user_id = ? order by occurred_at desc, id desc")
                .param(userId).query(Long.class).list();
    }

    @Test
    void userActivityWhenSixtyEventsThenOlderAndNewerLinksWalkEveryEventOnceInOrder() {
        UUID me = users.create("walk").user().id();
        UUID other = users.create("walk-other").user().id();
        for (int i = 0; i < 60; i++) {
            // Three events per instant: the id orders those that share a time.
            if (i % 3 == 0) {
                clock.advance(Duration.ofSeconds(1));
            }
            audit.record(i % 2 == 0 ? AuditEventType.SIGN_IN : AuditEventType.SIGN_OUT, me, null, CLIENT, null);
            audit.record(AuditEventType.SIGN_IN, other, null, CLIENT, null);
        }

        ActivityPage first = audit.userActivity(me, null, null, false, 25);
        ActivityPage second = audit.userActivity(me, null, first.older(), false, 25);
        ActivityPage third = audit.userActivity(me, null, second.older(), false, 25);

        assertThat(first.newer()).as("the newest page has nothing newer").isNull();
        assertThat(first.events()).hasSize(25);
        assertThat(second.events()).hasSize(25);
        assertThat(third.events()).hasSize(10);
        assertThat(third.older()).as("the oldest page has nothing older").isNull();
        List<Long> walked = new ArrayList<>(ids(first.events()));
        walked.addAll(ids(second.events()));
        walked.addAll(ids(third.events()));
        assertThat(walked).isEqualTo(all(me));

        // Back again with "Newer": the same pages, newest first on each.
        ActivityPage backToSecond = audit.userActivity(me, null, third.newer(), true, 25);
        assertThat(ids(backToSecond.events())).isEqualTo(ids(second.events()));
        ActivityPage backToFirst = audit.userActivity(me, null, backToSecond.newer(), true, 25);
        assertThat(ids(backToFirst.events())).isEqualTo(ids(first.events()));
        assertThat(backToFirst.newer()).isNull();
        assertThat(backToFirst.older()).isEqualTo(first.older());

        // A new event while reading pushes nothing from one page onto the next.
        clock.advance(Duration.ofSeconds(1));
        audit.record(AuditEventType.SIGN_IN, me, null, CLIENT, null);
        assertThat(ids(audit.userActivity(me, null, first.older(), false, 25).events()))
                .isEqualTo(ids(second.events()));
    }

    @Test
    void userActivityWhenFilteredByKindThenOnlyThatKindAndItsOwnPaging() {
        UUID me = users.create("kinds").user().id();
        for (int i = 0; i < 30; i++) {
            clock.advance(Duration.ofMillis(10));
            audit.record(AuditEventType.SIGN_IN, me, null, CLIENT, null);
            audit.record(i % 2 == 0 ? AuditEventType.FACTOR_ENABLED : AuditEventType.FACTOR_DISABLED, me, null, CLIENT,
                    AuditEvent.methodDetail("TOTP", null));
        }
        audit.record(AuditEventType.TRUSTED_DEVICE_ADDED, me, null, CLIENT, "Firefox on Linux");

        ActivityPage methods = audit.userActivity(me, ActivityKind.METHODS, null, false, 25);
        assertThat(methods.events()).hasSize(25).allMatch(e -> ActivityKind.METHODS.types().contains(e.type()));
        ActivityPage rest = audit.userActivity(me, ActivityKind.METHODS, methods.older(), false, 25);
        assertThat(rest.events()).hasSize(5).allMatch(e -> ActivityKind.METHODS.types().contains(e.type()));
        assertThat(rest.older()).isNull();
        assertThat(audit.userActivity(me, ActivityKind.DEVICES, null, false, 25).events())
                .extracting(AuditEvent::type).containsExactly(AuditEventType.TRUSTED_DEVICE_ADDED);
        assertThat(audit.userActivity(me, ActivityKind.PASSWORD, null, false, 25).events()).isEmpty();
    }

    @Test
    void accountActivityWhenMemberIsInTwoAccountsThenOnlyThisAccountsEventsAndTheirOwnSecurityEventsSinceJoining() {
        TestUsers.Created a = users.create("acct-a");
        TestUsers.Created b = users.create("acct-b");
        UUID member = users.create("acct-both").user().id();
        UUID stranger = users.create("acct-stranger").user().id();
        join(b.accountId(), member, "MEMBER");
        clock.advance(Duration.ofMinutes(1));
        audit.record(AuditEventType.FACTOR_ENABLED, member, null, CLIENT, "TOTP"); // before joining A
        clock.advance(Duration.ofMinutes(1));
        join(a.accountId(), member, "MEMBER");
        audit.record(AuditEventType.INVITATION_ACCEPTED, member, a.accountId(), CLIENT, "MEMBER");
        clock.advance(Duration.ofMinutes(1));
        audit.record(AuditEventType.FACTOR_ENABLED, member, null, CLIENT,
                AuditEvent.methodDetail("WEBAUTHN", "YubiKey"));
        audit.record(AuditEventType.CODE_ENTRY_LOCKED, member, null, CLIENT, null);
        audit.record(AuditEventType.PASSWORD_CHANGED, member, null, CLIENT, null);
        audit.record(AuditEventType.SIGN_IN, member, null, CLIENT, "password + TOTP"); // their own business
        audit.record(AuditEventType.TRUSTED_DEVICE_ADDED, member, null, CLIENT, "Firefox");
        audit.record(AuditEventType.TWO_FACTOR_RESET, member, b.accountId(), CLIENT, "by B's admin: 1 methods");
        audit.record(AuditEventType.ACCOUNT_RULES_CHANGED, b.user().id(), b.accountId(), CLIENT, "grace period: 7 days");
        audit.record(AuditEventType.ACCOUNT_RULES_CHANGED, a.user().id(), a.accountId(), CLIENT, "grace period: 3 days");
        audit.record(AuditEventType.FACTOR_ENABLED, stranger, null, CLIENT, "TOTP");

        List<AuditEvent> seen = audit.accountActivity(a.accountId(), null, null, null, false, 25).events();

        assertThat(seen).extracting(AuditEvent::type).containsExactly(AuditEventType.ACCOUNT_RULES_CHANGED,
                AuditEventType.PASSWORD_CHANGED, AuditEventType.CODE_ENTRY_LOCKED, AuditEventType.FACTOR_ENABLED,
                AuditEventType.INVITATION_ACCEPTED);
        assertThat(seen).allMatch(e -> e.accountId() == null || e.accountId().equals(a.accountId()))
                .noneMatch(e -> stranger.equals(e.userId()));
        assertThat(seen.get(3).methodName()).contains("YubiKey");
        // B's admins see B's events and the member's own ones since joining B (before the first method).
        assertThat(audit.accountActivity(b.accountId(), null, null, null, false, 25).events())
                .extracting(AuditEvent::type).containsExactly(AuditEventType.ACCOUNT_RULES_CHANGED,
                        AuditEventType.TWO_FACTOR_RESET, AuditEventType.PASSWORD_CHANGED,
                        AuditEventType.CODE_ENTRY_LOCKED, AuditEventType.FACTOR_ENABLED,
                        AuditEventType.FACTOR_ENABLED);

        // Filters: by member, by kind, both.
        assertThat(audit.accountActivity(a.accountId(), member, null, null, false, 25).events())
                .hasSize(4).allMatch(e -> e.userId().equals(member));
        assertThat(audit.accountActivity(a.accountId(), null, ActivityKind.LOCKOUTS, null, false, 25).events())
                .extracting(AuditEvent::type).containsExactly(AuditEventType.CODE_ENTRY_LOCKED);
        assertThat(audit.accountActivity(a.accountId(), a.user().id(), ActivityKind.METHODS, null, false, 25)
                .events()).isEmpty();
        // A stranger's id as the member filter finds nothing of theirs.
        assertThat(audit.accountActivity(a.accountId(), stranger, null, null, false, 25).events()).isEmpty();
    }

    @Test
    void accountActivityWhenPagedThenEveryEventOnceAcrossPages() {
        TestUsers.Created owner = users.create("acct-pages");
        for (int i = 0; i < 30; i++) {
            clock.advance(Duration.ofMillis(5));
            audit.record(AuditEventType.ACCOUNT_RULES_CHANGED, owner.user().id(), owner.accountId(), CLIENT, "x" + i);
            audit.record(AuditEventType.PASSWORD_CHANGED, owner.user().id(), null, CLIENT, null);
        }
        ActivityPage first = audit.accountActivity(owner.accountId(), null, null, null, false, 25);
        ActivityPage second = audit.accountActivity(owner.accountId(), null, null, first.older(), false, 25);
        ActivityPage third = audit.accountActivity(owner.accountId(), null, null, second.older(), false, 25);

        List<Long> walked = new ArrayList<>(ids(first.events()));
        walked.addAll(ids(second.events()));
        walked.addAll(ids(third.events()));
        assertThat(walked).hasSize(60).doesNotHaveDuplicates();
        List<Long> sorted = new ArrayList<>(walked);
        Collections.sort(sorted, Collections.reverseOrder());
        assertThat(walked).as("newest first").isEqualTo(sorted);
        assertThat(third.older()).isNull();
        assertThat(ids(audit.accountActivity(owner.accountId(), null, null, third.newer(), true, 25).events()))
                .isEqualTo(ids(second.events()));
    }

    @Test
    void accountEventsWhenFilteredByTypeAndTimeThenNewestFirstCountedAndPagedByOffset() {
        TestUsers.Created owner = users.create("acct-events");
        TestUsers.Created other = users.create("acct-events-other");
        java.time.Instant start = clock.instant();
        for (int i = 0; i < 12; i++) {
            clock.advance(Duration.ofMinutes(1));
            audit.record(i % 3 == 0 ? AuditEventType.ACCOUNT_RULES_CHANGED : AuditEventType.INVITATION_SENT,
                    owner.user().id(), owner.accountId(), CLIENT, "e" + i);
            audit.record(AuditEventType.ACCOUNT_RULES_CHANGED, other.user().id(), other.accountId(), CLIENT, "x" + i);
        }
        // The owner's own security event shows on their account, as on the page; their sign-in does not.
        audit.record(AuditEventType.PASSWORD_CHANGED, owner.user().id(), null, CLIENT, null);
        audit.record(AuditEventType.SIGN_IN, owner.user().id(), null, CLIENT, "password");

        AuditLog.EventPage all = audit.accountEvents(owner.accountId(), java.util.Set.of(), null, null, 0, 5);
        assertThat(all.total()).isEqualTo(13);
        assertThat(all.events()).hasSize(5).allMatch(e -> owner.user().id().equals(e.userId()));
        assertThat(all.events().get(0).type()).isEqualTo(AuditEventType.PASSWORD_CHANGED);
        List<Long> walked = new ArrayList<>();
        for (int page = 0; page < 3; page++) {
            walked.addAll(ids(audit.accountEvents(owner.accountId(), java.util.Set.of(), null, null, page, 5)
                    .events()));
        }
        assertThat(walked).hasSize(13).doesNotHaveDuplicates();
        List<Long> sorted = new ArrayList<>(walked);
        sorted.sort(Collections.reverseOrder());
        assertThat(walked).as("newest first").isEqualTo(sorted);
        assertThat(audit.accountEvents(owner.accountId(), java.util.Set.of(), null, null, 3, 5).events()).isEmpty();

        AuditLog.EventPage rules = audit.accountEvents(owner.accountId(),
                java.util.Set.of(AuditEventType.ACCOUNT_RULES_CHANGED), null, null, 0, 50);
        assertThat(rules.total()).isEqualTo(4);
        assertThat(rules.events()).extracting(AuditEvent::detail).containsExactly("e9", "e6", "e3", "e0");

        // From inclusive, to exclusive: minutes 3, 4 and 5 after the start hold events e2, e3 and e4.
        AuditLog.EventPage window = audit.accountEvents(owner.accountId(), java.util.Set.of(),
                start.plus(Duration.ofMinutes(3)), start.plus(Duration.ofMinutes(6)), 0, 50);
        assertThat(window.events()).extracting(AuditEvent::detail).containsExactly("e4", "e3", "e2");
        assertThat(window.total()).isEqualTo(3);
    }

    /**
     * An event of a type this version does not know (recorded by a node of the next version during a rolling
     * upgrade) is left out of every list, and the lists around it still read: before, reading it failed the page.
     */
    @Test
    void listsWhenAnEventHasATypeOfANewerVersionThenItIsLeftOutAndTheRestRead() {
        TestUsers.Created member = users.create("newer-type");
        UUID me = member.user().id();
        audit.record(AuditEventType.SIGN_IN, me, null, CLIENT, null);
        clock.advance(Duration.ofSeconds(1));
        jdbc.sql("insert into audit_events (occurred_at, type, user_id, account_id, ip, user_agent, detail)"
                        + " values (?, 'SOMETHING_OF_A_NEWER_VERSION', ?, ?, '', '', null)")
                .params(Timestamp.from(clock.instant()), me, member.accountId()).update();
        clock.advance(Duration.ofSeconds(1));
        audit.record(AuditEventType.PASSWORD_CHANGED, me, null, CLIENT, null);

        assertThat(audit.recentForUser(me, 10)).extracting(AuditEvent::type)
                .containsExactly(AuditEventType.PASSWORD_CHANGED, AuditEventType.SIGN_IN);
        assertThat(audit.userActivity(me, null, null, false, 25).events()).extracting(AuditEvent::type)
                .containsExactly(AuditEventType.PASSWORD_CHANGED, AuditEventType.SIGN_IN);
        assertThat(audit.typesForUser(me)).containsExactly(AuditEventType.SIGN_IN, AuditEventType.PASSWORD_CHANGED);
        assertThat(audit.accountActivity(member.accountId(), null, null, null, false, 25).events())
                .extracting(AuditEvent::type).doesNotContainNull().contains(AuditEventType.PASSWORD_CHANGED);
        AuditLog.EventPage api = audit.accountEvents(member.accountId(), java.util.Set.of(), null, null, 0, 25);
        assertThat(api.events()).extracting(AuditEvent::type).doesNotContainNull();
        assertThat(api.total()).isEqualTo(api.events().size());
    }

    /**
     * A type new in this release is recorded only once the operator says no node of the release before runs (the
     * prod profile's {@code gatehouse.audit.record-new-types=false}): such a node could not read it.
     */
    @Test
    void recordWhenATypeNewInThisReleaseAndNewTypesAreNotRecordedYetThenOnlyTheOthersAreRecorded() {
        UUID me = users.create("new-types").user().id();
        AuditLog beforeEveryNodeIsUpgraded = new AuditLog(jdbc, clock, false);

        for (AuditEventType type : AuditLog.NEW_IN_THIS_RELEASE) {
            beforeEveryNodeIsUpgraded.record(type, me, null, CLIENT, "Billing");
        }
        beforeEveryNodeIsUpgraded.record(AuditEventType.SIGN_IN, me, CLIENT);
        assertThat(audit.typesForUser(me)).containsExactly(AuditEventType.SIGN_IN);

        for (AuditEventType type : AuditLog.NEW_IN_THIS_RELEASE) {
            audit.record(type, me, null, CLIENT, "Billing");
        }
        assertThat(audit.typesForUser(me)).as("the trial records them").hasSize(1 + AuditLog.NEW_IN_THIS_RELEASE.size());
    }

    @Test
    void cursorWhenWrittenThenReadBackAndWhenChangedThenIgnored() {
        UUID me = users.create("cursor").user().id();
        audit.record(AuditEventType.SIGN_IN, me, null, CLIENT, null);
        AuditEvent event = audit.recentForUser(me, 1).get(0);
        ActivityPage.Cursor cursor = new ActivityPage.Cursor(event.occurredAt(), event.id());

        assertThat(ActivityPage.Cursor.parse(cursor.text())).contains(cursor);
        assertThat(ActivityPage.Cursor.parse(null)).isEmpty();
        assertThat(ActivityPage.Cursor.parse("")).isEmpty();
        assertThat(ActivityPage.Cursor.parse("1' or '1'='1")).isEmpty();
        assertThat(ActivityPage.Cursor.parse("99999999999999999999.1")).isEmpty();
        assertThat(ActivityPage.Cursor.parse("9223372036854775807.1")).as("past year 9999").isEmpty();
        assertThat(ActivityPage.Cursor.parse("-5.1")).isEmpty();
        // "Newer" than anything there is: the newest page.
        ActivityPage.Cursor future = new ActivityPage.Cursor(event.occurredAt().plusSeconds(3600), Long.MAX_VALUE);
        assertThat(ids(audit.userActivity(me, null, future, true, 25).events())).containsExactly(event.id());
    }
}

package dev.gatehouse.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.testsupport.H2Test;
import dev.gatehouse.testsupport.MutableClock;
import dev.gatehouse.testsupport.TestUsers;

/**
 * The accounts' two-step verification rules at the service: what saving checks, records and announces, and how the
 * rules of several accounts combine for one user (the strictest wins).
 */
@H2Test
class SecurityRulesOnH2Test {

    static final Set<String> KNOWN = Set.of("TOTP", "EMAIL", "SMS", "WEBAUTHN");
    static final ClientInfo CLIENT = new ClientInfo("198.51.100.23", "Mozilla/5.0 Firefox/140.0");

    @Autowired
    ApplicationContext context;

    @Autowired
    SecurityRulesService rules;

    @Autowired
    AccountService accounts;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MutableClock clock;

    TestUsers users;

    @BeforeEach
    void setUp() {
        users = new TestUsers(context);
    }

    @Test
    void saveWhenChoicesInvalidThenNothingChangesAndEachFieldSaysWhy() {
        TestUsers.Created owner = users.create("rules-invalid");
        SecurityRules before = rules.rules(owner.accountId());

        SecurityRulesService.Save result = rules.save(owner.accountId(), owner.user(), true, 5, Set.of(),
                null, KNOWN, CLIENT);

        assertThat(result).isInstanceOfSatisfying(SecurityRulesService.Save.Invalid.class, invalid ->
                assertThat(invalid.problems().byField()).containsOnlyKeys("trustPeriod", "graceDays", "allowed"));
        assertThat(rules.save(owner.accountId(), owner.user(), true, 0, Set.of("TOTP", "PIGEON"),
                DeviceTrustPeriod.ONE_DAY, KNOWN, CLIENT))
                .isInstanceOfSatisfying(SecurityRulesService.Save.Invalid.class, invalid ->
                        assertThat(invalid.problems().byField()).containsEntry("allowed", "rules.allowed.unknown"));
        assertThat(rules.rules(owner.accountId())).isEqualTo(before);
        assertThat(audited(owner.accountId())).isZero();
    }

    @Test
    void saveWhenChangedThenStoredAuditedWithWhoAndEveryOwnerEmailed() {
        TestUsers.Created owner = users.create("rules-owner");
        TestUsers.Created coOwner = users.create("rules-coowner");
        TestUsers.Created admin = users.create("rules-admin");
        accounts.addMember(owner.accountId(), coOwner.user().id(), Role.OWNER);
        accounts.addMember(owner.accountId(), admin.user().id(), Role.ADMIN);

        SecurityRulesService.Save result = rules.save(owner.accountId(), admin.user(), true, 7,
                Set.of("TOTP", "WEBAUTHN"), DeviceTrustPeriod.ONE_WEEK, KNOWN, CLIENT);

        assertThat(result).isInstanceOf(SecurityRulesService.Save.Saved.class);
        SecurityRules saved = rules.rules(owner.accountId());
        assertThat(saved.requireTwoFactor()).isTrue();
        assertThat(saved.graceDays()).isEqualTo(7);
        assertThat(saved.allowedMethods()).containsExactlyInAnyOrder("TOTP", "WEBAUTHN");
        assertThat(saved.trustPeriod()).isEqualTo(DeviceTrustPeriod.ONE_WEEK);
        assertThat(saved.requiredSince()).isEqualTo(clock.instant());
        assertThat(jdbc.sql("select user_id, detail from audit_events where account_id = ? and type = ?")
                .params(owner.accountId(), "ACCOUNT_RULES_CHANGED")
                .query((rs, n) -> rs.getObject(1, UUID.class) + " " + rs.getString(2)).single())
                .isEqualTo(admin.user().id() + " two-step verification required: on; grace period: 7 days; "
                        + "allowed methods: TOTP, WEBAUTHN; remember devices for: 1 week");
        assertThat(rulesMails(owner.email())).isEqualTo(1);
        assertThat(rulesMails(coOwner.email())).isEqualTo(1);
        assertThat(rulesMails(admin.email())).as("admins are not owners").isZero();

        // Saving again later keeps when it was turned on (the grace runs from then); allowing all stores "all".
        clock.advance(Duration.ofDays(2));
        rules.save(owner.accountId(), admin.user(), true, 7, KNOWN, DeviceTrustPeriod.ONE_WEEK, KNOWN, CLIENT);
        assertThat(rules.rules(owner.accountId()).requiredSince()).isEqualTo(saved.requiredSince());
        assertThat(rules.rules(owner.accountId()).allowedMethods()).isEmpty();
        assertThat(rules.save(owner.accountId(), admin.user(), true, 7, KNOWN, DeviceTrustPeriod.ONE_WEEK, KNOWN,
                CLIENT)).isEqualTo(new SecurityRulesService.Save.Saved(rules.rules(owner.accountId()), List.of()));
        assertThat(audited(owner.accountId())).as("nothing changed, nothing recorded").isEqualTo(2);
    }

    @Test
    void rulesForWhenSeveralAccountsThenTheStrictestOfThemHolds() {
        TestUsers.Created ada = users.create("rules-several");
        TestUsers.Created other = users.create("rules-other");
        accounts.addMember(other.accountId(), ada.user().id(), Role.MEMBER);
        assertThat(rules.rulesFor(ada.user().id()).required()).isFalse();

        Instant now = clock.instant();
        rules.save(ada.accountId(), ada.user(), false, 0, Set.of("TOTP", "EMAIL"), DeviceTrustPeriod.THIRTY_DAYS,
                KNOWN, CLIENT);
        rules.save(other.accountId(), other.user(), true, 3, Set.of("TOTP", "WEBAUTHN"), DeviceTrustPeriod.ONE_DAY,
                KNOWN, CLIENT);
        MemberRules held = rules.rulesFor(ada.user().id());
        assertThat(held.required()).as("required by either: required").isTrue();
        assertThat(held.requiredBy()).contains("rules-other Ltd");
        assertThat(held.allowed()).as("an account that requires nothing (her own) cannot widen what one that does allows")
                .containsExactlyInAnyOrder("TOTP", "WEBAUTHN");
        assertThat(held.skipUntil()).isEqualTo(now.plus(Duration.ofDays(3)));
        assertThat(accounts.deviceTrustPeriodFor(ada.user().id())).isEqualTo(DeviceTrustPeriod.ONE_DAY);

        // Both require it: what both allow; and an account requiring it without grace allows no skipping at all.
        rules.save(ada.accountId(), ada.user(), true, 0, Set.of("TOTP", "EMAIL"), DeviceTrustPeriod.THIRTY_DAYS,
                KNOWN, CLIENT);
        assertThat(rules.rulesFor(ada.user().id()).allowed()).as("allowed by both").containsExactly("TOTP");
        assertThat(rules.rulesFor(ada.user().id()).skipUntil()).isNull();

        // Nothing in common: the accounts disagree, nothing can be added, and each account's rule is met only by a
        // method it allows (found by an outside attack: with "whatever either allows", a member set her own account
        // to "text messages only", added them, removed the app her company required, and signed in with a text).
        rules.save(ada.accountId(), ada.user(), true, 0, Set.of("SMS"), DeviceTrustPeriod.THIRTY_DAYS, KNOWN, CLIENT);
        MemberRules conflict = rules.rulesFor(ada.user().id());
        assertThat(conflict.disagree()).isTrue();
        assertThat(KNOWN).noneMatch(conflict::allows);
        assertThat(conflict.maySkipAt(clock.instant())).isFalse();
        assertThat(conflict.unmetBy(List.of("SMS"))).contains("rules-other Ltd");
        assertThat(conflict.unmetBy(List.of("TOTP"))).contains("rules-several Ltd");
        assertThat(conflict.unmetBy(List.of("SMS", "WEBAUTHN"))).isEmpty();
        // Two accounts of one name are still two rules.
        jdbc.sql("update accounts set name = 'rules-other Ltd' where id = ?").param(ada.accountId()).update();
        assertThat(rules.rulesFor(ada.user().id()).unmetBy(List.of("SMS"))).contains("rules-other Ltd");
        assertThat(rules.rulesFor(ada.user().id()).unmetBy(List.of("TOTP"))).contains("rules-other Ltd");
    }

    @Test
    void rulesForWhenMemberJoinsAfterTheRuleThenTheGraceRunsFromTheirJoining() {
        TestUsers.Created owner = users.create("rules-late");
        rules.save(owner.accountId(), owner.user(), true, 7, KNOWN, DeviceTrustPeriod.THIRTY_DAYS, KNOWN, CLIENT);
        clock.advance(Duration.ofDays(10));
        TestUsers.Created late = users.create("rules-joiner");
        accounts.addMember(owner.accountId(), late.user().id(), Role.MEMBER);

        MemberRules held = rules.rulesFor(late.user().id());
        Instant end = clock.instant().plus(Duration.ofDays(7));
        assertThat(held.skipUntil()).isEqualTo(end);
        assertThat(held.maySkipAt(end.minusNanos(1000))).isTrue();
        assertThat(held.maySkipAt(end)).as("closed at its end").isFalse();
    }

    @Test
    void ordersPlacedWhenReportedThenRequiredWhateverTheSwitchWithTheConditionsGracePeriod() {
        TestUsers.Created owner = users.create("rules-orders");
        TestUsers.Created member = users.create("rules-buyer");
        accounts.addMember(owner.accountId(), member.user().id(), Role.MEMBER);
        Instant placed = clock.instant();

        assertThat(rules.ordersPlaced(owner.accountId(), CLIENT)).isTrue();
        clock.advance(Duration.ofHours(1));
        assertThat(rules.ordersPlaced(owner.accountId(), CLIENT)).as("only the first report counts").isFalse();

        MemberRules held = rules.rulesFor(member.user().id());
        assertThat(held.required()).isTrue();
        assertThat(held.requiredBy()).contains("rules-orders Ltd");
        assertThat(held.skipUntil()).as("the deployment's 7 days from the first order")
                .isEqualTo(placed.plus(Duration.ofDays(7)));
        assertThat(context.getBean(dev.gatehouse.factor.FactorService.class).required(member.user().id()))
                .as("the last method cannot be removed").isTrue();
        assertThat(rulesMails(owner.email())).isEqualTo(1);

        // The admins' switch off changes nothing: the condition holds.
        rules.save(owner.accountId(), owner.user(), false, 0, KNOWN, DeviceTrustPeriod.THIRTY_DAYS, KNOWN, CLIENT);
        assertThat(rules.rules(owner.accountId()).required()).isTrue();
        assertThat(rules.rulesFor(member.user().id()).required()).isTrue();

        // The switch turned on afterwards with a longer grace gives no more time than the condition left.
        rules.save(owner.accountId(), owner.user(), true, 14, KNOWN, DeviceTrustPeriod.THIRTY_DAYS, KNOWN, CLIENT);
        assertThat(rules.rulesFor(member.user().id()).skipUntil()).isEqualTo(placed.plus(Duration.ofDays(7)));
    }

    @Test
    void ordersClearedWhenSetThenNoLongerRequiredByTheConditionAndAnnouncedOnce() {
        TestUsers.Created owner = users.create("rules-cleared");
        TestUsers.Created member = users.create("rules-cleared-buyer");
        accounts.addMember(owner.accountId(), member.user().id(), Role.MEMBER);
        assertThat(rules.ordersCleared(owner.accountId(), "application “Shop”", CLIENT))
                .as("nothing to clear").isFalse();
        assertThat(rules.ordersPlaced(owner.accountId(), "application “Shop”", CLIENT)).isTrue();
        assertThat(rules.rulesFor(member.user().id()).required()).isTrue();

        assertThat(rules.ordersCleared(owner.accountId(), "application “Shop”", CLIENT)).isTrue();
        assertThat(rules.ordersCleared(owner.accountId(), "application “Shop”", CLIENT)).isFalse();

        assertThat(rules.rules(owner.accountId()).ordersPlacedAt()).isNull();
        assertThat(rules.rulesFor(member.user().id()).required()).isFalse();
        assertThat(rulesMails(owner.email())).as("the report and its withdrawal").isEqualTo(2);
        assertThat(jdbc.sql("select count(*) from audit_events where account_id = ? and type = 'ACCOUNT_RULES_CHANGED'")
                .param(owner.accountId()).query(Long.class).single()).isEqualTo(2);
        // The admins' switch still works as before.
        rules.save(owner.accountId(), owner.user(), true, 0, KNOWN, DeviceTrustPeriod.THIRTY_DAYS, KNOWN, CLIENT);
        assertThat(rules.rulesFor(member.user().id()).required()).isTrue();
    }

    @Test
    void originsForWhenInSeveralAccountsThenNamesTheAccountBehindEachRule() {
        TestUsers.Created member = users.create("origins-held");
        TestUsers.Created beta = users.create("origins-beta");
        TestUsers.Created alpha = users.create("origins-alpha");
        accounts.addMember(beta.accountId(), member.user().id(), Role.MEMBER);
        accounts.addMember(alpha.accountId(), member.user().id(), Role.MEMBER);
        assertThat(rules.originsFor(member.user().id())).as("nothing set anywhere: only the (default) trust period")
                .isEqualTo(new RuleOrigins(List.of(), List.of(), java.util.Optional.of("origins-alpha Ltd")));

        rules.save(beta.accountId(), beta.user(), false, 0, Set.of("TOTP"), DeviceTrustPeriod.ONE_WEEK, KNOWN, CLIENT);
        assertThat(rules.originsFor(member.user().id())).as("none requires it: every account's limits count")
                .isEqualTo(new RuleOrigins(List.of(), List.of("origins-beta Ltd"),
                        java.util.Optional.of("origins-beta Ltd")));

        rules.save(alpha.accountId(), alpha.user(), true, 0, Set.of("WEBAUTHN", "TOTP"), DeviceTrustPeriod.ONE_DAY,
                KNOWN, CLIENT);
        assertThat(rules.originsFor(member.user().id())).as("the requiring account's limits alone")
                .isEqualTo(new RuleOrigins(List.of("origins-alpha Ltd"), List.of("origins-alpha Ltd"),
                        java.util.Optional.of("origins-alpha Ltd")));
        assertThat(rules.originsFor(UUID.randomUUID())).isEqualTo(RuleOrigins.NONE);
    }

    private long audited(UUID accountId) {
        return jdbc.sql("select count(*) from audit_events where account_id = ? and type = 'ACCOUNT_RULES_CHANGED'")
                .param(accountId).query(Long.class).single();
    }

    private long rulesMails(String recipient) {
        return jdbc.sql("select count(*) from outbox where recipient = ? and subject like '%sign-in rules%'")
                .param(recipient).query(Long.class).single();
    }
}

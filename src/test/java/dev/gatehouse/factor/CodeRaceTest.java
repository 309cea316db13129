package dev.gatehouse.factor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.gatehouse.factor.totp.TotpMethod;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.testsupport.AuthenticatorApp;
import dev.gatehouse.testsupport.MutableClock;
import dev.gatehouse.testsupport.Race;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.user.User;

/**
 * The counting and single-use rules under parallel requests, against the real database: the guarantees must come from
 * single conditional statements, whatever the isolation level (Read Committed on PostgreSQL, H2's default).
 */
abstract class CodeRaceTest {

    static final ClientInfo CLIENT = new ClientInfo("203.0.113.7", "race");

    @Autowired
    ApplicationContext context;

    @Autowired
    FactorService factors;

    @Autowired
    TotpMethod totp;

    @Autowired
    CodeAttempts attempts;

    @Autowired
    MutableClock clock;

    @Autowired
    JdbcClient jdbc;

    TestUsers users;

    @BeforeEach
    void setUp() {
        users = new TestUsers(context);
    }

    @Test
    void invariant2_fiftyParallelGuessesEvaluateAtMostSix() {
        User ada = users.create("guesses").user();
        AuthenticatorApp app = enroll(factors, totp, clock, ada);
        String wrong = app.wrongCode(clock.instant());

        List<CodeCheck> results = Race.run(50, i -> factors.checkCode(ada.id(), TotpMethod.TYPE, wrong, CLIENT));

        assertThat(results).allMatch(r -> r instanceof CodeCheck.Wrong || r instanceof CodeCheck.Locked);
        assertThat(results.stream().filter(CodeCheck.Wrong.class::isInstance).count()).isLessThanOrEqualTo(5);
        assertThat(events(ada.id(), "SECOND_FACTOR_FAILED")).as("evaluated").isEqualTo(6);
        assertThat(events(ada.id(), "CODE_ENTRY_LOCKED")).as("one lock placed").isEqualTo(1);
        CodeAttempts.State state = attempts.state(ada.id()).orElseThrow();
        assertThat(state.lockCount()).isEqualTo(1);
        assertThat(state.consecutiveFailures()).isEqualTo(6);
        Instant until = clock.instant().plus(Duration.ofMinutes(5));
        assertThat(state.lockedUntil()).isCloseTo(until, within(1, ChronoUnit.MILLIS));
        assertThat(factors.checkCode(ada.id(), TotpMethod.TYPE, app.code(clock.instant()), CLIENT))
                .isInstanceOfSatisfying(CodeCheck.Locked.class,
                        locked -> assertThat(locked.until()).isCloseTo(until, within(1, ChronoUnit.MILLIS)));
    }

    @Test
    void invariant2_parallelGuessesPastTheSuspensionCeilingRecordItOnce() {
        User ada = users.create("ceiling").user();
        AuthenticatorApp app = enroll(factors, totp, clock, ada);
        String wrong = app.wrongCode(clock.instant());
        // Three failures short of the ceiling (100), with a fresh run of six.
        attempts.ensure(ada.id());
        jdbc.sql("update code_attempts set consecutive_failures = 97 where user_id = ?").param(ada.id()).update();

        List<CodeCheck> results = Race.run(20, i -> factors.checkCode(ada.id(), TotpMethod.TYPE, wrong, CLIENT));

        assertThat(results).anyMatch(CodeCheck.Suspended.class::isInstance);
        assertThat(events(ada.id(), "SECOND_FACTOR_FAILED")).as("evaluated").isEqualTo(3);
        assertThat(events(ada.id(), "CODE_METHODS_SUSPENDED")).as("recorded once").isEqualTo(1);
        assertThat(factors.checkCode(ada.id(), TotpMethod.TYPE, app.code(clock.instant()), CLIENT))
                .isInstanceOf(CodeCheck.Suspended.class);
    }

    @Test
    void invariant3_parallelUsesOfOneRightCodeAcceptExactlyOne() {
        User ada = users.create("replays").user();
        AuthenticatorApp app = enroll(factors, totp, clock, ada);
        String code = app.code(clock.instant());

        List<CodeCheck> results = Race.run(12, i -> factors.checkCode(ada.id(), TotpMethod.TYPE, code, CLIENT));

        assertThat(results.stream().filter(CodeCheck.Accepted.class::isInstance).count()).isEqualTo(1);
        assertThat(lastUsedStep(ada.id())).isEqualTo(Math.floorDiv(clock.instant().getEpochSecond(), 30));
    }

    @Test
    void checkCodeWhenRightCodeOfAnAlreadyUsedStepThenCountedAsAWrongCode() {
        User ada = users.create("used").user();
        AuthenticatorApp app = enroll(factors, totp, clock, ada);
        String code = app.code(clock.instant());
        assertThat(factors.checkCode(ada.id(), TotpMethod.TYPE, code, CLIENT)).isInstanceOf(CodeCheck.Accepted.class);

        assertThat(factors.checkCode(ada.id(), TotpMethod.TYPE, code, CLIENT)).isEqualTo(new CodeCheck.Wrong(5));
        assertThat(events(ada.id(), "SECOND_FACTOR_FAILED")).isEqualTo(1);
        for (int i = 4; i >= 1; i--) {
            assertThat(factors.checkCode(ada.id(), TotpMethod.TYPE, code, CLIENT)).isEqualTo(new CodeCheck.Wrong(i));
        }
        assertThat(factors.checkCode(ada.id(), TotpMethod.TYPE, code, CLIENT)).as("replays lock like wrong codes")
                .isInstanceOf(CodeCheck.Locked.class);
    }

    @Test
    void checkCodeWhenRightCodeAfterWrongOnesThenCountsStartOver() {
        User ada = users.create("reset").user();
        AuthenticatorApp app = enroll(factors, totp, clock, ada);
        for (int i = 0; i < 5; i++) {
            factors.checkCode(ada.id(), TotpMethod.TYPE, app.wrongCode(clock.instant()), CLIENT);
        }
        assertThat(factors.checkCode(ada.id(), TotpMethod.TYPE, app.code(clock.instant()), CLIENT))
                .isInstanceOf(CodeCheck.Accepted.class);
        assertThat(attempts.state(ada.id()).orElseThrow()).isEqualTo(new CodeAttempts.State(0, 0, 0, null));
        assertThat(factors.checkCode(ada.id(), TotpMethod.TYPE, app.wrongCode(clock.instant()), CLIENT))
                .isEqualTo(new CodeCheck.Wrong(5));
    }

    @Test
    void checkCodeWhenUserHasNoSuchMethodThenNothingCounted() {
        User ada = users.create("nomethod").user();
        assertThat(factors.checkCode(ada.id(), TotpMethod.TYPE, "123456", CLIENT))
                .isInstanceOf(CodeCheck.NoSuchMethod.class);
        assertThat(attempts.state(ada.id())).isEmpty();
    }

    @Test
    void reserveWhenManyParallelCallsThenGrantsExactlyMaxFailures() {
        User ada = users.create("reserve").user();
        List<CodeAttempts.Reservation> results = Race.run(40, i -> attempts.reserve(ada.id(), clock.instant()));
        Map<Class<?>, Long> byKind = results.stream().collect(Collectors.groupingBy(Object::getClass,
                Collectors.counting()));
        assertThat(byKind.get(CodeAttempts.Reservation.Granted.class)).isEqualTo(6);
        assertThat(attempts.state(ada.id()).orElseThrow().failures()).isEqualTo(6);

        List<Optional<Instant>> locks = Race.run(6, i -> attempts.failed(ada.id(), clock.instant()));
        assertThat(locks.stream().filter(Optional::isPresent).count()).as("one of them places the lock")
                .isEqualTo(1);
    }

    @Test
    void finishEnrollmentWhenSameSetupFinishedTwiceAtOnceThenOneMethodOneEventOneEmail() {
        User ada = users.create("twice").user();
        PendingEnrollment pending = factors.startEnrollment(ada, TotpMethod.TYPE).orElseThrow();
        AuthenticatorApp app = new AuthenticatorApp(totp.setup(ada, pending).base32Key());
        String code = app.code(clock.instant());

        List<FactorService.Enrollment> results = Race.run(8, i -> factors.finishEnrollment(ada, pending, code, CLIENT));

        assertThat(results.stream().filter(FactorService.Enrollment.Enabled.class::isInstance).count()).isEqualTo(1);
        assertThat(jdbc.sql("select count(*) from second_factors where user_id = ?").param(ada.id())
                .query(Long.class).single()).isEqualTo(1);
        assertThat(events(ada.id(), "FACTOR_ENABLED")).isEqualTo(1);
        assertThat(jdbc.sql("select count(*) from outbox where recipient = ?").param(ada.email())
                .query(Long.class).single()).isEqualTo(1);
    }

    /** Enrols the app for the user through the core, then moves to the next time step. */
    static AuthenticatorApp enroll(FactorService factors, TotpMethod totp, MutableClock clock, User user) {
        PendingEnrollment pending = factors.startEnrollment(user, TotpMethod.TYPE).orElseThrow();
        AuthenticatorApp app = new AuthenticatorApp(totp.setup(user, pending).base32Key());
        assertThat(factors.finishEnrollment(user, pending, app.code(clock.instant()), CLIENT))
                .isInstanceOf(FactorService.Enrollment.Enabled.class);
        clock.advance(Duration.ofSeconds(30));
        return app;
    }

    long events(UUID userId, String type) {
        return jdbc.sql("select count(*) from audit_events where user_id = ? and type = ?").params(userId, type)
                .query(Long.class).single();
    }

    Long lastUsedStep(UUID userId) {
        return jdbc.sql("select last_used_step from second_factors where user_id = ?").param(userId)
                .query(Long.class).single();
    }
}

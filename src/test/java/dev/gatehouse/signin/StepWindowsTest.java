package dev.gatehouse.signin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/** The time rules of the sign-in state machine, at a fixed Clock, each at the instant before and at its end. */
class StepWindowsTest {

    static final Instant T = Instant.parse("2026-12-04T10:00:00Z");
    static final UUID ADA = UUID.randomUUID();
    static final SignInProperties DEFAULTS = new SignInProperties(Duration.ofMinutes(10), Duration.ofMinutes(15));

    static StepWindows at(Instant now) {
        return new StepWindows(DEFAULTS, Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void secondStepWhenWithinTenMinutesOfThePasswordThenOpenAndAtTenMinutesClosed() {
        PendingSignIn pending = new PendingSignIn(ADA, UUID.randomUUID(), T);
        assertThat(at(T).open(pending)).isTrue();
        assertThat(at(T.plus(Duration.ofMinutes(10)).minusMillis(1)).open(pending)).isTrue();
        assertThat(at(T.plus(Duration.ofMinutes(10))).open(pending)).isFalse();
    }

    @Test
    void reconfirmationWhenWithinFifteenMinutesAndTheSameUserThenStillConfirmed() {
        Reconfirmation done = new Reconfirmation(ADA, T);
        assertThat(at(T.plus(Duration.ofMinutes(15)).minusMillis(1)).stillConfirmed(done, ADA)).isTrue();
        assertThat(at(T.plus(Duration.ofMinutes(15))).stillConfirmed(done, ADA)).as("expired").isFalse();
        assertThat(at(T).stillConfirmed(done, UUID.randomUUID())).as("another user's").isFalse();
    }

    @Test
    void secondFactorWhenProvedWithinFifteenMinutesThenRecentAndNeverWhenNotProved() {
        SignedInUser proved = new SignedInUser(ADA, "ada@example.com", "Ada", T, T);
        SignedInUser trustedDevice = new SignedInUser(ADA, "ada@example.com", "Ada", T, null);
        assertThat(at(T.plus(Duration.ofMinutes(15)).minusMillis(1)).secondFactorRecent(proved)).isTrue();
        assertThat(at(T.plus(Duration.ofMinutes(15))).secondFactorRecent(proved)).isFalse();
        assertThat(at(T).secondFactorRecent(trustedDevice)).as("signed in on a trusted device").isFalse();
    }
}

package dev.gatehouse.signin;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import org.springframework.stereotype.Component;

/**
 * The time rules of the sign-in state machine, apart from sessions and the database so they can be tested with a
 * fixed {@link Clock}: how long the second step stays open after the password, how long a re-confirmation lasts, and
 * when a second factor counts as recent enough not to be asked again. Every window is closed at its end instant.
 */
@Component
class StepWindows {

    private final SignInProperties properties;
    private final Clock clock;

    StepWindows(SignInProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
    }

    Instant now() {
        return clock.instant();
    }

    /** Whether the second step of this pending sign-in may still be given. */
    boolean open(PendingSignIn pending) {
        return now().isBefore(pending.passwordAt().plus(properties.secondFactorWindow()));
    }

    /** Whether this re-confirmation (of {@code userId}) still spares asking again. */
    boolean stillConfirmed(Reconfirmation done, UUID userId) {
        return done.userId().equals(userId) && now().isBefore(done.at().plus(properties.reconfirmation()));
    }

    /** Whether the session proved a second factor recently enough that a re-confirmation need not ask one. */
    boolean secondFactorRecent(SignedInUser user) {
        return user.secondFactorAt() != null && now().isBefore(user.secondFactorAt().plus(properties.reconfirmation()));
    }
}

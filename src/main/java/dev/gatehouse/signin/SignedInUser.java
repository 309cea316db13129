package dev.gatehouse.signin;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import org.springframework.security.core.AuthenticatedPrincipal;

/**
 * The principal of a signed-in session. Only exists once every required step passed: a session that has only passed
 * the password holds a {@link PendingSignIn} instead and is not authenticated.
 *
 * @param userId           never null; also the principal name Spring Session indexes sessions by
 * @param signedInAt       when the session was signed in; the absolute session lifetime counts from here
 * @param secondFactorAt   when a second factor was last proved in this session; null if none was asked
 */
public record SignedInUser(UUID userId, String email, String displayName, Instant signedInAt, Instant secondFactorAt)
        implements AuthenticatedPrincipal, Serializable {

    public SignedInUser {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(signedInAt, "signedInAt");
    }

    @Override
    public String getName() {
        return userId.toString();
    }

    public boolean expired(Instant now, Duration absoluteLifetime) {
        return !now.isBefore(signedInAt.plus(absoluteLifetime));
    }

    public SignedInUser withSecondFactorAt(Instant at) {
        return new SignedInUser(userId, email, displayName, signedInAt, at);
    }
}

package dev.gatehouse.signin;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A sign-in that passed the password and waits for a second factor. Kept only in the server-side session: the user
 * it is for comes from here and never from the request, so no field a client sends can switch user or skip the step.
 *
 * @param userId     the user who passed the password
 * @param attemptId  this sign-in attempt; challenges (e.g. an emailed code) are bound to it
 * @param passwordAt when the password was checked; the step expires some minutes later
 * @param emailLink  the first step was a password reset link, not the password: it proved the inbox, so no method
 *                   whose codes arrive by email may be the second step (it would prove the same inbox twice)
 * @param sessionsGeneration the user's sessions generation read with the password (or at the link): the step is void
 *                   once ending all their sessions raised it, and the session it ends in carries it
 */
public record PendingSignIn(UUID userId, UUID attemptId, Instant passwordAt, boolean emailLink,
                            long sessionsGeneration)
        implements Serializable {

    static final String ATTRIBUTE = "gatehouse.pendingSignIn";

    public PendingSignIn {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(attemptId, "attemptId");
        Objects.requireNonNull(passwordAt, "passwordAt");
    }

    /** A sign-in whose first step was the password, by a user whose sessions were never all ended. */
    public PendingSignIn(UUID userId, UUID attemptId, Instant passwordAt) {
        this(userId, attemptId, passwordAt, false, 0);
    }
}

package dev.gatehouse.factor;

import java.time.Instant;

import dev.gatehouse.user.User;

/**
 * The computing half of a method whose proof is checked against what its factor row holds (an authenticator app's
 * sealed key) or proved by the sent-code core ({@link SentCodeMethod}). Implementations are stateless, thread-safe
 * beans that compute: they return values and never write to the database, audit, or send anything —
 * {@link FactorService} does that, in one transaction. What sign-in and the pages see of a method is its
 * {@link SecondFactorMethod}.
 */
public interface SecretMethod {

    FactorType type();

    /** The English name used in emails; pages use the message key {@code factor.<TYPE>}. */
    String displayName();

    /** Begins a setup for {@code user}; the result goes into the session. Never null. */
    PendingEnrollment startEnrollment(User user, Instant now);

    /**
     * Checks the user's response to a setup (e.g. the first code from their app). Never null. Must not be called with
     * a {@code pending} of another user or type; the core checks that.
     */
    EnrollmentOutcome finishEnrollment(User user, PendingEnrollment pending, String response, Instant now);

    /**
     * Checks a response against an enrolled factor. Pure: replay protection and lockout are applied by the core with
     * the returned outcome. {@code response} may be anything a client sent (null, huge, not digits): never throws for it.
     */
    VerificationOutcome verify(EnrolledFactor factor, String response, Instant now);
}

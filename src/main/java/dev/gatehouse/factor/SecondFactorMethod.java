package dev.gatehouse.factor;

import java.time.Instant;

import dev.gatehouse.user.User;

/**
 * One kind of second factor. Implementations are stateless, thread-safe beans that compute: they return values and
 * never write to the database, audit, or send anything — {@link FactorService} does that, in one transaction.
 * Adding a method is one sub-package with a bean of this type, its templates and its message keys.
 */
public interface SecondFactorMethod {

    FactorType type();

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

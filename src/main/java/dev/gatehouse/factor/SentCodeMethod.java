package dev.gatehouse.factor;

import java.time.Duration;
import java.time.Instant;

import dev.gatehouse.user.User;

/**
 * A method whose codes Gatehouse sends (email, text message). The method only computes: it checks destinations and
 * writes the message around a code. The core ({@link CodeChallenges}) makes the codes, stores them hashed, binds them to
 * a challenge, applies the limits, sends them through the outbox and checks typed codes. So {@link #verify} of such a
 * method accepts nothing (there is no code in the factor to check against), and its {@link #finishEnrollment} only
 * accepts a setup whose destination the core proved with a code ({@link VerifiedDestination}): the core checks that
 * proof before it calls {@link #finishEnrollment}, which is why these defaults suffice for every such method.
 */
public interface SentCodeMethod extends SecretMethod {

    /**
     * Checks a destination someone typed, or a stored one before each send (the rules, such as the allowed countries,
     * may have changed since). {@code region} is the country to read a national phone number in (e.g. {@code GB});
     * ignored by email; may be null. Never null; never throws for anything a client sent (null, huge, control
     * characters).
     */
    DestinationCheck checkDestination(String typed, String region);

    /** The destination partly hidden, for pages seen before the second step passed (e.g. {@code a•••@example.com}). */
    String masked(String destination);

    /**
     * The message carrying {@code code} to {@code destination} (already checked); it must name the product, give the
     * code and how long it is valid, say what to do if this wasn't you, and hold no link.
     */
    CodeMessage message(User user, String destination, String code, CodePurpose purpose, Instant expiresAt,
                        Duration validity);

    /** Nothing to prepare: the destination and its code come next, through the core. */
    @Override
    default PendingEnrollment startEnrollment(User user, Instant now) {
        return new PendingEnrollment(user.id(), type(), null, null, now);
    }

    /** Called only once the core has checked its {@link VerifiedDestination} proof: the proved destination is stored. */
    @Override
    default EnrollmentOutcome finishEnrollment(User user, PendingEnrollment pending, String response, Instant now) {
        return new EnrollmentOutcome.Enrolled(displayName(), null, pending.publicData(), null);
    }

    /** Sent codes are checked against their challenge by the core; there is nothing in the factor to check. */
    @Override
    default VerificationOutcome verify(EnrolledFactor factor, String response, Instant now) {
        return new VerificationOutcome.Rejected();
    }

    /** What a destination of this method is, and so how it relates to the user's own details. */
    enum Destination {
        /** An email address: the method's codes go to the user's contact email and follow it when it changes. */
        EMAIL_ADDRESS,
        /** A phone number: one proved by the method's setup becomes the user's phone on file (User details). */
        PHONE_NUMBER
    }

    Destination destination();

    /** Whether codes can be sent this way at all (e.g. no SMS gateway is configured); default true. */
    default boolean available() {
        return true;
    }
}

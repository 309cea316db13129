package dev.gatehouse.factor;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A start that waits for its finish — a setup in progress, or a verification that needs state between its two
 * requests (a WebAuthn ceremony, the attempt a re-confirmation's sent codes are bound to). The one pending type of every
 * method: kept in the server-side session of the user who started it (never in the factor table, so an unfinished
 * setup leaves nothing half-enabled), and only finished for that user, that method and that purpose, before it expires.
 * What a method keeps in it ({@code state}) is its own; secrets in it are sealed.
 *
 * @param attemptId what sent codes and challenges of this step are bound to
 * @param state     the method's own serializable data (e.g. a sealed key, a checked destination, a ceremony)
 */
public record PendingStep(UUID userId, FactorType type, CodePurpose purpose, UUID attemptId, Instant startedAt,
                          Instant expiresAt, Serializable state) implements Serializable {

    /** How long a setup may take. */
    public static final Duration SETUP_VALIDITY = Duration.ofMinutes(15);

    public PendingStep {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(attemptId, "attemptId");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** Whether it may be finished now by this user, for this method and purpose. */
    public boolean usableFor(UUID user, FactorType method, CodePurpose expected, Instant now) {
        return userId.equals(user) && type.equals(method) && purpose == expected && now.isBefore(expiresAt);
    }

    /** The method's state, if it is of the kind the method expects. */
    public <T> java.util.Optional<T> state(Class<T> kind) {
        return kind.isInstance(state) ? java.util.Optional.of(kind.cast(state)) : java.util.Optional.empty();
    }

    /** The session attribute a step of this method and purpose is kept under (one of each at a time). */
    public static String attribute(FactorType type, CodePurpose purpose) {
        return "gatehouse.step." + type.name() + "." + purpose.name();
    }
}

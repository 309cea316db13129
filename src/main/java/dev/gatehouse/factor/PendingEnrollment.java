package dev.gatehouse.factor;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A setup in progress, kept in the user's session (never in the factor table, so an unfinished setup leaves nothing
 * half-enabled). Secrets in it are sealed.
 */
public record PendingEnrollment(UUID userId, FactorType type, String sealedSecret, String publicData,
                                Instant startedAt) implements Serializable {

    public static final Duration VALIDITY = Duration.ofMinutes(15);

    public PendingEnrollment {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(startedAt, "startedAt");
    }

    public boolean expired(Instant now) {
        return !now.isBefore(startedAt.plus(VALIDITY));
    }
}

package dev.gatehouse.factor;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A setup of a sent-code method in progress (turning it on, or changing where codes go), kept in the user's session:
 * the checked destination and the id its codes are bound to. Holds no code. Made only by
 * {@link CodeChallenges#startSetup}; valid as long as a {@link PendingEnrollment}.
 *
 * @param shown  the destination as its owner reads it, e.g. {@code +44 7700 900123}
 * @param region the country of a phone number (ISO 3166), null for email
 */
public record CodeSetup(UUID id, UUID userId, FactorType type, String destination, String shown, String region,
                        Instant startedAt) implements Serializable {

    public CodeSetup {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(shown, "shown");
        Objects.requireNonNull(startedAt, "startedAt");
    }

    public boolean expired(Instant now) {
        return !now.isBefore(startedAt.plus(PendingEnrollment.VALIDITY));
    }
}

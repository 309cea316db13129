package dev.gatehouse.factor;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One active second factor of a user.
 *
 * @param sealedSecret the secret sealed by {@code SecretSealer} (TOTP seed); null for methods without one
 * @param publicData   method data that is not secret (e.g. an email address, a public key); may be null
 * @param lastUsedStep the last accepted TOTP time step; null when never used or not a TOTP method
 */
public record EnrolledFactor(UUID id, UUID userId, FactorType type, String label, String sealedSecret,
                             String publicData, Long lastUsedStep, Instant createdAt, Instant lastUsedAt) {

    public EnrolledFactor {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(type, "type");
    }
}

package dev.gatehouse.signin;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A browser a user asked to remember, as the Security tab lists it.
 *
 * @param browser   e.g. "Chrome on Linux", from the User-Agent when it was trusted
 * @param firstIp   the address it was trusted from; may be empty
 * @param lastIp    the address of its last use; may be empty
 * @param expiresAt when it stops being trusted under the period in force now
 */
public record TrustedDevice(UUID id, String browser, String firstIp, String lastIp, Instant createdAt,
                            Instant lastUsedAt, Instant expiresAt) {

    public TrustedDevice {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}

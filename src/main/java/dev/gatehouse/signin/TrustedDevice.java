package dev.gatehouse.signin;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import dev.gatehouse.system.Network;

/**
 * A browser a user asked to remember, as the Security tab lists it.
 *
 * @param browser   e.g. "Chrome on Linux", from the User-Agent when it was trusted
 * @param firstIp   the address it was trusted from; may be empty
 * @param lastIp    the address of its last use; may be empty
 * @param expiresAt   when it stops being trusted under the period in force now
 * @param thisBrowser whether the browser asking holds this device's token (it is the one being used)
 * @param network     the network of its last use, marked when it is the asking browser's network; never null
 */
public record TrustedDevice(UUID id, String browser, String firstIp, String lastIp, Instant createdAt,
                            Instant lastUsedAt, Instant expiresAt, boolean thisBrowser, Network network) {

    public TrustedDevice {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(network, "network");
    }
}

package dev.gatehouse.account;

import java.time.Instant;
import java.util.UUID;

/**
 * An extra address that an account's security alerts go to once it is confirmed.
 *
 * @param confirmedAt when its link was used; null while it waits (it receives nothing until then)
 * @param expiresAt   when its link stops working, if it has not been used
 */
public record AlertAddress(UUID id, String email, Instant addedAt, Instant expiresAt, Instant confirmedAt) {

    public boolean confirmed() {
        return confirmedAt != null;
    }

    /** Waiting for a link that no longer works: it must be added again to get a new one. */
    public boolean expiredAt(Instant now) {
        return confirmedAt == null && !now.isBefore(expiresAt);
    }
}

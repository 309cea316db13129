package dev.gatehouse.factor;

import java.util.Objects;
import java.util.UUID;

import dev.gatehouse.system.ClientInfo;

/**
 * Published inside the transaction that removes a user's method, so that modules above (the sign-in's trusted devices)
 * react in that same transaction: a removal that rolls back revokes nothing, one that commits leaves nothing trusted.
 *
 * @param lastMethod whether the user has no method left
 */
public record FactorRemoved(UUID userId, FactorType type, boolean lastMethod, ClientInfo client) {

    public FactorRemoved {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(type, "type");
    }
}

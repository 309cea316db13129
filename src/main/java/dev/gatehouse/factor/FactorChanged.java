package dev.gatehouse.factor;

import java.util.Objects;
import java.util.UUID;

import dev.gatehouse.system.ClientInfo;

/**
 * Published inside the transaction that adds a method to a user (any kind, a security key included), changes where
 * one's codes go, or replaces their backup codes with a new set, so that modules above react to it: the sign-in ends
 * the user's other sessions once it commits.
 */
public record FactorChanged(UUID userId, FactorType type, ClientInfo client) {

    public FactorChanged {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(type, "type");
    }
}

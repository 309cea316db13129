package dev.gatehouse.user;

import java.util.Objects;
import java.util.UUID;

import dev.gatehouse.system.ClientInfo;

/**
 * Published inside the transaction that changes a user's password, so that modules above (the sign-in's trusted
 * devices) react in that same transaction: whoever knew the old password keeps no way around the second step once the
 * change commits, and a change that rolls back revokes nothing.
 */
public record PasswordChanged(UUID userId, ClientInfo client) {

    public PasswordChanged {
        Objects.requireNonNull(userId, "userId");
    }
}

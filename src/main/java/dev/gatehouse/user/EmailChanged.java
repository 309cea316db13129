package dev.gatehouse.user;

import java.util.Objects;
import java.util.UUID;

import dev.gatehouse.system.ClientInfo;

/**
 * Published inside the transaction that changes a user's email (User details), so that modules above react in that
 * same transaction: the email codes follow the address, and a change that rolls back moves nothing.
 */
public record EmailChanged(UUID userId, String oldEmail, String newEmail, ClientInfo client) {

    public EmailChanged {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(newEmail, "newEmail");
    }
}

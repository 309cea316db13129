package dev.gatehouse.account;

import java.io.Serializable;
import java.util.UUID;

/** That a user belongs to an account, in a role. */
public record Membership(UUID accountId, String accountName, UUID userId, Role role) implements Serializable {
}

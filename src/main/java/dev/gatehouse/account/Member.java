package dev.gatehouse.account;

import java.time.Instant;
import java.util.UUID;

/** A row of an account's member list. */
public record Member(UUID userId, String email, String displayName, Role role, Instant joinedAt) {
}

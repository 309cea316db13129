package dev.gatehouse.account;

import java.time.Instant;
import java.util.UUID;

/** An invitation that has been sent and not yet accepted. */
public record PendingInvitation(UUID id, String email, Role role, Instant expiresAt) {
}

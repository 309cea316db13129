package dev.gatehouse.account;

import java.time.Instant;
import java.util.UUID;

/** An invitation that has been sent and neither accepted nor revoked; {@code expired}: its link no longer works. */
public record PendingInvitation(UUID id, String email, Role role, Instant expiresAt, boolean expired) {
}

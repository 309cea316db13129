package dev.gatehouse.account;

import java.time.Instant;
import java.util.UUID;

/**
 * A row of an account's member list.
 *
 * @param phoneGiven whether the user has a phone number of their own on file ({@code users.phone}, verified or not);
 *                   a number for text-message codes is the other way to have one, which the account layer cannot see
 */
public record Member(UUID userId, String email, String displayName, Role role, Instant joinedAt, boolean phoneGiven) {
}

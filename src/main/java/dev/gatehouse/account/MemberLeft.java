package dev.gatehouse.account;

import java.util.Objects;
import java.util.UUID;

/**
 * Published inside the transaction that removes a member from an account, so that modules above react in that same
 * transaction: the account's applications sign in its members only, so what they hold for the user (codes, refresh
 * and access tokens) ends with the membership, and a removal that rolls back revokes nothing.
 */
public record MemberLeft(UUID accountId, UUID userId) {

    public MemberLeft {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(userId, "userId");
    }
}

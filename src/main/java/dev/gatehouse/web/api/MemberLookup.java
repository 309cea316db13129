package dev.gatehouse.web.api;

import java.util.UUID;

import org.springframework.stereotype.Component;

import dev.gatehouse.account.AccountService;
import dev.gatehouse.account.Member;

/**
 * What the member resources share: the member a path names, looked up among the caller's account only (a user of
 * another account, or no user at all, is the same 404).
 */
@Component
class MemberLookup {

    private final AccountService accounts;

    MemberLookup(AccountService accounts) {
        this.accounts = accounts;
    }

    /** The member {@code userId} of the caller's account; 404 {@code not-found} for anyone else. */
    Member member(ApiCaller caller, UUID userId) {
        return accounts.member(caller.accountId(), userId)
                .orElseThrow(() -> ApiProblem.notFound("No such user in this account."));
    }
}

package dev.gatehouse.web.api;

import java.util.UUID;

import org.springframework.stereotype.Component;

import dev.gatehouse.account.AccountService;
import dev.gatehouse.account.Member;
import dev.gatehouse.account.Role;
import dev.gatehouse.user.User;

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

    /**
     * The member {@code userId}, if a client acting for {@code by} may change their place in this account (role,
     * removal): 409 {@code conflict} for {@code by} themselves (a client never demotes or removes the person it acts
     * for) and for an owner (owners are changed only on the account's pages, by an owner who confirmed it is them: a
     * leaked secret must not be enough to take an account over).
     */
    Member changeableHere(ApiCaller caller, UUID userId, User by) {
        Member member = member(caller, userId);
        if (member.userId().equals(by.id())) {
            throw ApiProblem.conflict("This client acts for the person who registered it, and does not change that"
                    + " person.");
        }
        if (member.role() == Role.OWNER) {
            throw ApiProblem.conflict("Owners are changed on the account's pages only, by an owner who confirms it is"
                    + " them.");
        }
        return member;
    }

    /**
     * As {@link #changeableHere}, for a change that reaches beyond this account (the user's name, their sessions and
     * trusted devices are theirs in every account): also 409 for someone who belongs to other accounts too, whom one
     * account must not change for the others (the rule of the two-step verification reset).
     */
    Member changeableEverywhere(ApiCaller caller, UUID userId, User by) {
        Member member = changeableHere(caller, userId, by);
        if (accounts.membershipsOf(userId).size() > 1) {
            throw ApiProblem.conflict("This user belongs to other accounts too: a change here would reach those.");
        }
        return member;
    }
}

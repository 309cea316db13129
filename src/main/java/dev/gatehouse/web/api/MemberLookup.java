package dev.gatehouse.web.api;

import java.util.UUID;

import org.springframework.stereotype.Component;

import dev.gatehouse.account.AccountService;
import dev.gatehouse.account.Member;
import dev.gatehouse.oidc.AccountClients;

/**
 * What the member resources share: the member a path names, looked up among the caller's account only (a user of
 * another account, or no user at all, is the same 404), and how a change names the application that made it.
 */
@Component
class MemberLookup {

    private final AccountService accounts;
    private final AccountClients clients;

    MemberLookup(AccountService accounts, AccountClients clients) {
        this.accounts = accounts;
        this.clients = clients;
    }

    /** The member {@code userId} of the caller's account; 404 {@code not-found} for anyone else. */
    Member member(ApiCaller caller, UUID userId) {
        return accounts.member(caller.accountId(), userId)
                .orElseThrow(() -> ApiProblem.notFound("No such user in this account."));
    }

    /**
     * The application as people read it in emails and on the activity page: {@code application “Billing”} (its
     * client id if it was removed meanwhile).
     */
    String actorName(ApiCaller caller) {
        String name = clients.find(caller.accountId(), caller.clientId()).map(AccountClients.AccountClient::name)
                .orElse(caller.clientId());
        return "application “" + name + "”";
    }
}

package dev.gatehouse.web.api;

import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import dev.gatehouse.account.AccountService;
import dev.gatehouse.account.Membership;
import dev.gatehouse.oidc.AccountClients;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.user.User;
import dev.gatehouse.user.UserService;

/**
 * Who an API change is made by, in the terms of the services the pages use ({@code MemberService},
 * {@code InvitationService}...), so that the same rules apply: a service acts for the owner who registered it, with
 * that person's current role in the account (demoted to admin, the service can do what an admin can; no longer a
 * manager of the account, it can change nothing: 403 {@code not-allowed}). The change names the service: the acting
 * user's name is the service's ("Billing sync (API client)") wherever the services write who did it (audit details,
 * emails), and every audit event of the call carries the user agent {@code Gatehouse API client <client id>}.
 */
@Component
class ApiActor {

    static final String AGENT_PREFIX = "Gatehouse API client ";

    private final AccountClients clients;
    private final UserService users;
    private final AccountService accounts;

    ApiActor(AccountClients clients, UserService users, AccountService accounts) {
        this.clients = clients;
        this.users = users;
        this.accounts = accounts;
    }

    /** The acting user, named after the service; refused when the registering owner no longer manages the account. */
    User of(ApiCaller caller) {
        Optional<AccountClients.Registrant> registrant = clients.registrant(caller.accountId(), caller.clientId());
        Optional<User> owner = registrant.map(AccountClients.Registrant::userId).flatMap(users::findById)
                .filter(user -> accounts.membership(caller.accountId(), user.id())
                        .map(Membership::role).filter(role -> role.canManage()).isPresent());
        if (owner.isEmpty()) {
            throw new ApiProblem(HttpStatus.FORBIDDEN, "not-allowed", "Not allowed",
                    "The person who registered this client no longer manages the account; register it again.");
        }
        User user = owner.get();
        return new User(user.id(), user.email(), registrant.get().clientName() + " (API client)",
                user.passwordChangedAt(), user.createdAt(), user.sessionsGeneration());
    }

    /** The request's address, and the service as the user agent of the audit events. */
    static ClientInfo client(HttpServletRequest request, ApiCaller caller) {
        return new ClientInfo(request.getRemoteAddr(), AGENT_PREFIX + caller.clientId());
    }
}

package dev.gatehouse.web.api;

import java.util.UUID;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.gatehouse.account.AccountDetails;
import dev.gatehouse.account.AccountDetailsService;
import dev.gatehouse.oidc.ApiScopes;

/** {@code GET /api/v1/accounts/{accountId}}: the caller's account, for any API scope. */
@RestController
@RequestMapping(ApiPaths.ACCOUNT)
class AccountResource {

    private final AccountDetailsService details;

    AccountResource(AccountDetailsService details) {
        this.details = details;
    }

    /** The account as its Details page shows it; empty strings for what is not given. */
    record AccountView(UUID id, String name, String contactEmail, String contactPhone, String addressLine1,
                       String addressLine2, String city, String postalCode, String country) {
    }

    @GetMapping
    @RequiresScope({ApiScopes.USERS_READ, ApiScopes.USERS_WRITE, ApiScopes.ACCOUNTS_ADMIN, ApiScopes.AUDIT_READ})
    AccountView account(@PathVariable UUID accountId, ApiCaller caller) {
        AccountDetails d = details.details(caller.accountId());
        return new AccountView(caller.accountId(), d.name(), d.contactEmail(), d.contactPhone(), d.addressLine1(),
                d.addressLine2(), d.city(), d.postalCode(), d.country());
    }
}

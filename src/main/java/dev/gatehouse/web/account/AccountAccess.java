package dev.gatehouse.web.account;

import java.util.Optional;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;

import dev.gatehouse.account.AccountService;
import dev.gatehouse.account.Membership;
import dev.gatehouse.account.Role;
import dev.gatehouse.signin.SignedInUser;

/**
 * Who may open an account's admin pages: its owners and admins. A member of the account is told plainly that these
 * pages are for admins ({@link AdminsOnly}, a 403 page naming the account); anyone else, another account's admin
 * guessing ids included, gets the 404 of an account that does not exist.
 */
@Component
class AccountAccess {

    private final AccountService accounts;

    AccountAccess(AccountService accounts) {
        this.accounts = accounts;
    }

    /** The signed-in user's membership of the account, when it lets them manage it. */
    Membership managed(UUID accountId, SignedInUser me) {
        Optional<Membership> membership = accounts.membership(accountId, me.userId());
        if (membership.isEmpty()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND);
        }
        if (!membership.get().role().canManage()) {
            throw new AdminsOnly(membership.get().accountName());
        }
        return membership.get();
    }

    /**
     * The signed-in user's membership of the account, when they own it: an admin is told it is for the owners
     * ({@link OwnersOnly}), a member that it is for the admins, anyone else gets the 404.
     */
    Membership owned(UUID accountId, SignedInUser me) {
        Membership membership = managed(accountId, me);
        if (membership.role() != Role.OWNER) {
            throw new OwnersOnly(membership.accountName());
        }
        return membership;
    }

    /** An admin of the account asked for something only its owners may do. */
    static final class OwnersOnly extends RuntimeException {
        private final String accountName;

        OwnersOnly(String accountName) {
            super(null, null, false, false);
            this.accountName = accountName;
        }

        String accountName() {
            return accountName;
        }
    }

    /** A member of the account opened one of its admin pages. */
    static final class AdminsOnly extends RuntimeException {
        private final String accountName;

        AdminsOnly(String accountName) {
            super(null, null, false, false);
            this.accountName = accountName;
        }

        String accountName() {
            return accountName;
        }
    }
}

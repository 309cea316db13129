package dev.gatehouse.web;

import java.util.List;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

import dev.gatehouse.account.AccountService;
import dev.gatehouse.account.Membership;
import dev.gatehouse.signin.SignedInUser;

/** Gives every page the signed-in user (or null) and their accounts, for the top bar. */
@ControllerAdvice
class CurrentUserAdvice {

    private final AccountService accounts;

    CurrentUserAdvice(AccountService accounts) {
        this.accounts = accounts;
    }

    /**
     * Makes the form token before the page is rendered, so that a token kept in a cookie (a browser without a
     * session: {@link FormTokenRepository}) is set while the response headers can still change.
     */
    @ModelAttribute
    void formToken(CsrfToken token) {
        if (token != null) {
            token.getToken();
        }
    }

    @ModelAttribute("currentUser")
    SignedInUser currentUser() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication != null && authentication.getPrincipal() instanceof SignedInUser user ? user : null;
    }

    @ModelAttribute("currentMemberships")
    List<Membership> currentMemberships() {
        SignedInUser user = currentUser();
        return user == null ? List.of() : accounts.membershipsOf(user.userId());
    }
}

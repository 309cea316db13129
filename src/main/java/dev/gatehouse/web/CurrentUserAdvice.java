package dev.gatehouse.web;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

import dev.gatehouse.account.AccountService;
import dev.gatehouse.account.Membership;
import dev.gatehouse.signin.BrowserSession;
import dev.gatehouse.signin.SignInService;
import dev.gatehouse.signin.SignedInUser;

/** Gives every page the signed-in user (or null) and their accounts, for the top bar. */
@ControllerAdvice
class CurrentUserAdvice {

    private static final Pattern ACCOUNT_PAGE = Pattern.compile("/accounts/([0-9a-fA-F-]{36})(?:/|$)");

    private final AccountService accounts;
    private final SignInService signIn;

    CurrentUserAdvice(AccountService accounts, SignInService signIn) {
        this.accounts = accounts;
        this.signIn = signIn;
    }

    /**
     * Whether this session was signed in by a reset link and its new password is still due: the new-password page
     * then says why every other page waits, and no page shows the signed-in top bar (its links all led back there;
     * on the few pages such a session still reaches, the dev mailbox's among them, it read as a whole sign-in).
     */
    @ModelAttribute("newPasswordFirst")
    boolean newPasswordFirst(BrowserSession browser) {
        return currentUser() != null && signIn.newPasswordDue(browser);
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
        return SignedInNow.user().orElse(null);
    }

    /**
     * The user's accounts ({@code currentMemberships}) and, on an account's pages ({@code /accounts/{id}/...}), the
     * one that is open when the user belongs to it ({@code currentAccount}, else null), for the account switcher. The
     * open account is read from the path, so it is known before the page's controller runs.
     */
    @ModelAttribute
    void accounts(HttpServletRequest request, Model model) {
        SignedInUser user = currentUser();
        List<Membership> mine = user == null ? List.of() : accounts.membershipsOf(user.userId());
        model.addAttribute("currentMemberships", mine);
        Matcher path = ACCOUNT_PAGE.matcher(request.getRequestURI());
        model.addAttribute("currentAccount", path.lookingAt() ? mine.stream()
                .filter(m -> m.accountId().toString().equalsIgnoreCase(path.group(1))).findFirst().orElse(null) : null);
    }
}

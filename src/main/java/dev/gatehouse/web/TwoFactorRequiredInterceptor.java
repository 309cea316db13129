package dev.gatehouse.web;

import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;

import dev.gatehouse.signin.SignedInUser;
import dev.gatehouse.signin.TwoFactorRequirement;
import dev.gatehouse.signin.servlet.ServletBrowserSession;

/**
 * The set-up step an account's rules impose: a signed-in member who must set up two-step verification
 * ({@link TwoFactorRequirement#blocks}) is sent to the Security page, where it is set up, from every page outside the
 * user's own settings (registered in {@link WebConfiguration} with the paths it leaves alone).
 */
@Component
class TwoFactorRequiredInterceptor implements HandlerInterceptor {

    /** Where a member who must set up a method may still go: the user's settings, signing in and out, errors. */
    static final String[] OPEN = {"/settings/**", "/signin/**", "/signin", "/signout", "/signup/**", "/invite/**",
            "/alerts/**",
            "/error", "/denied", "/css/**", "/img/**", "/js/**", "/favicon.ico", "/dev/**"};

    /** An account's sign-in rules page (and its form). */
    private static final java.util.regex.Pattern ACCOUNT_RULES =
            java.util.regex.Pattern.compile("/accounts/[0-9a-fA-F-]{36}/settings/security");

    private final TwoFactorRequirement requirement;

    TwoFactorRequiredInterceptor(TwoFactorRequirement requirement) {
        this.requirement = requirement;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws Exception {
        Optional<SignedInUser> signedIn = SignedInNow.user();
        if (signedIn.isEmpty()) {
            return true;
        }
        SignedInUser me = signedIn.get();
        TwoFactorRequirement.Status status = requirement.status(me.userId());
        if (!requirement.blocks(status, me.userId(), ServletBrowserSession.of(request, response))) {
            return true;
        }
        if (status.disagree() && ACCOUNT_RULES.matcher(request.getRequestURI()).matches()) {
            // Held because their accounts' rules disagree: nothing can be set up, so an owner or admin of one of
            // them may open its rules to settle it (the rules page checks who may read or change them).
            return true;
        }
        response.sendRedirect(request.getContextPath() + "/settings/security#two-factor");
        return false;
    }
}

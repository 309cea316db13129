package dev.gatehouse.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;

import dev.gatehouse.signin.SignInService;
import dev.gatehouse.signin.servlet.ServletBrowserSession;

/**
 * A session signed in by a reset link and the second factor reaches only the new-password page until the password is
 * chosen ({@link SignInService#newPasswordDue}): every other page sends it there (registered in
 * {@link WebConfiguration} with the paths it leaves alone). The authorization endpoint, outside these pages, asks the
 * same ({@code web.oidc.SignInForAuthorization}).
 */
@Component
class NewPasswordFirstInterceptor implements HandlerInterceptor {

    /** Where such a session may still go: the reset pages, signing in and out, errors, the trial's mailbox. */
    static final String[] OPEN = {"/signin/**", "/signin", "/signout", "/error", "/denied", "/css/**", "/img/**",
            "/js/**", "/favicon.ico", "/dev/**"};

    private final SignInService signIn;

    NewPasswordFirstInterceptor(SignInService signIn) {
        this.signIn = signIn;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws Exception {
        if (SignedInNow.user().isEmpty() || !signIn.newPasswordDue(ServletBrowserSession.of(request, response))) {
            return true;
        }
        response.sendRedirect(request.getContextPath() + "/signin/reset");
        return false;
    }
}

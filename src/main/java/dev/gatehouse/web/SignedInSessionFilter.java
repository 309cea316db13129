package dev.gatehouse.web;

import java.io.IOException;
import java.time.Clock;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.gatehouse.signin.SessionProperties;
import dev.gatehouse.signin.Sessions;
import dev.gatehouse.signin.SignedInUser;

/**
 * Ends a signed-in session once its absolute lifetime (12 h by default) has passed, however active it was, and once
 * all the user's sessions were ended after it began ({@link Sessions#stillCurrent}: sign out everywhere, a password
 * change, a method added or removed) or its own sign-in was ended (Sessions &gt; Sign out from another session, an
 * administrator through the API), even if one of its requests moved it to a new id meanwhile. Not a bean: Boot
 * would also register a bean filter in the servlet chain, where it would run before the security context exists. Used
 * by the pages' filter chain and the OpenID Connect provider's ({@code web.oidc}).
 */
public class SignedInSessionFilter extends OncePerRequestFilter {

    private final SessionProperties properties;
    private final Sessions sessions;
    private final Clock clock;

    public SignedInSessionFilter(SessionProperties properties, Sessions sessions, Clock clock) {
        this.properties = properties;
        this.sessions = sessions;
        this.clock = clock;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication != null && authentication.getPrincipal() instanceof SignedInUser user
                && (user.expired(clock.instant(), properties.absoluteLifetime()) || !sessions.stillCurrent(user))) {
            SecurityContextHolder.clearContext();
            HttpSession session = request.getSession(false);
            if (session != null) {
                session.invalidate();
            }
            response.sendRedirect(request.getContextPath() + "/signin?expired");
            return;
        }
        chain.doFilter(request, response);
    }
}

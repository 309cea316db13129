package dev.gatehouse.signin.servlet;

import java.io.Serializable;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;

import dev.gatehouse.signin.BrowserSession;
import dev.gatehouse.signin.SignedInUser;
import dev.gatehouse.system.ClientInfo;

/**
 * A {@link BrowserSession} over one servlet request and its response: the only place the sign-in logic's session and
 * cookie work meets {@code HttpServletRequest}. Holds nothing itself, so any number of them over one request agree.
 */
public final class ServletBrowserSession implements BrowserSession {

    /** Longer cookie values are ignored: every cookie of ours is far shorter. */
    private static final int MAX_COOKIE_LENGTH = 1000;

    private static final SecurityContextRepository CONTEXTS = new HttpSessionSecurityContextRepository();

    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final SecurityContextHolderStrategy holder = SecurityContextHolder.getContextHolderStrategy();

    private ServletBrowserSession(HttpServletRequest request, HttpServletResponse response) {
        this.request = request;
        this.response = response;
    }

    public static BrowserSession of(HttpServletRequest request, HttpServletResponse response) {
        return new ServletBrowserSession(request, response);
    }

    @Override
    public ClientInfo client() {
        return ClientInfo.of(request);
    }

    @Override
    public <T> Optional<T> attribute(String name, Class<T> type) {
        HttpSession session = request.getSession(false);
        return session == null ? Optional.empty()
                : Optional.ofNullable(session.getAttribute(name)).filter(type::isInstance).map(type::cast);
    }

    @Override
    public void setAttribute(String name, Serializable value) {
        request.getSession().setAttribute(name, value);
    }

    @Override
    public void removeAttribute(String name) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.removeAttribute(name);
        }
    }

    @Override
    public Optional<String> sessionId() {
        HttpSession session = request.getSession(false);
        return session == null ? Optional.empty() : Optional.of(session.getId());
    }

    @Override
    public void renew(Predicate<String> keep) {
        HttpSession old = request.getSession(false);
        Map<String, Object> kept = new LinkedHashMap<>();
        if (old != null) {
            for (String name : Collections.list(old.getAttributeNames())) {
                if (keep.test(name)) {
                    kept.put(name, old.getAttribute(name));
                }
            }
            old.invalidate();
        }
        HttpSession fresh = request.getSession(true);
        kept.forEach(fresh::setAttribute);
    }

    @Override
    public void authenticate(SignedInUser user) {
        SecurityContext context = holder.createEmptyContext();
        context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(user, null,
                AuthorityUtils.createAuthorityList("ROLE_USER")));
        holder.setContext(context);
        CONTEXTS.saveContext(context, request, response);
    }

    @Override
    public void unauthenticate() {
        holder.clearContext();
        removeAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY);
    }

    @Override
    public Optional<String> cookie(String name) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return Optional.empty();
        }
        return Arrays.stream(cookies).filter(c -> name.equals(c.getName())).map(Cookie::getValue)
                .filter(v -> v != null && v.length() <= MAX_COOKIE_LENGTH).findFirst();
    }

    @Override
    public void setCookie(String name, String value, Duration maxAge) {
        boolean secure = request.isSecure() || name.startsWith("__Host-") || name.startsWith("__Secure-");
        ResponseCookie cookie = ResponseCookie.from(name, value).path("/").httpOnly(true).secure(secure)
                .sameSite("Lax").maxAge(maxAge).build();
        response.addHeader(HttpHeaders.SET_COOKIE, cookie.toString());
    }
}

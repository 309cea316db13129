package dev.gatehouse.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRepository;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;

/**
 * Where the form (CSRF) token lives: in the session when the browser has one, otherwise in an HttpOnly cookie. So
 * showing the sign-in or sign-up page to a browser without a session creates no session row (issue 11.5: 2,000
 * anonymous page views made 2,000 rows); the session starts at the password step, and from then on the token is the
 * session's own, renewed at each sign-in step ({@code Sessions}). A session never falls back to the cookie's token,
 * and saving a token into a session deletes the cookie.
 */
final class FormTokenRepository implements CsrfTokenRepository {

    private final HttpSessionCsrfTokenRepository session = new HttpSessionCsrfTokenRepository();
    private final CookieCsrfTokenRepository cookie = new CookieCsrfTokenRepository();

    /**
     * @param cookieName e.g. {@code __Host-GATEHOUSE_FORM} in production (Secure, Path=/, no Domain)
     * @param secure     whether the cookie is sent over https only
     */
    FormTokenRepository(String cookieName, boolean secure) {
        cookie.setCookieName(cookieName);
        cookie.setParameterName("_csrf");
        cookie.setHeaderName("X-CSRF-TOKEN");
        cookie.setCookieCustomizer(builder -> builder.secure(secure).sameSite("Lax").httpOnly(true));
    }

    @Override
    public CsrfToken generateToken(HttpServletRequest request) {
        return session.generateToken(request);
    }

    @Override
    public void saveToken(CsrfToken token, HttpServletRequest request, HttpServletResponse response) {
        if (request.getSession(false) != null) {
            session.saveToken(token, request, response);
            if (cookie.loadToken(request) != null) {
                cookie.saveToken(null, request, response);
            }
        } else {
            cookie.saveToken(token, request, response);
        }
    }

    @Override
    public CsrfToken loadToken(HttpServletRequest request) {
        return request.getSession(false) != null ? session.loadToken(request) : cookie.loadToken(request);
    }
}

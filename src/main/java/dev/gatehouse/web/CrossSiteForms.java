package dev.gatehouse.web;

import java.io.IOException;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A form sent to the pages by another site is refused before its form token is looked at, with the page a stale form
 * gets ({@code /denied}). The form token alone was not enough where another site can plant the token's cookie: the
 * trial over plain http (no {@code __Host-} prefix, no Secure), where a page of any site could sign a browser in as
 * someone else (login CSRF, carried since stop 32). Every form of these pages is sent from these pages, so nothing
 * the product does is refused.
 *
 * <p>The browser says where a request comes from: {@code Sec-Fetch-Site} (sent over https and to localhost by every
 * current browser) must be {@code same-origin}, or {@code none} for one the person started; a sibling subdomain's
 * {@code same-site} is refused too, as it could plant cookies. Where the browser sends no such header (plain http to a
 * host other than localhost, older browsers), its {@code Origin}, when given, must be the configured public URL's
 * ({@code gatehouse.base-url}) or name the host the request was sent to. A request with neither header is not a
 * browser's form (curl, the tests' HTTP client) and is left to the form token. Only this chain's pages: the
 * authorization server's endpoints (token, logout) and the API have chains of their own, where other sites are the
 * point.
 */
final class CrossSiteForms extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(CrossSiteForms.class);
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    private final String publicOrigin;
    private final AccessDeniedHandler denied;

    /** @param baseUrl the public URL ({@code gatehouse.base-url}), e.g. {@code https://id.example.com/} */
    CrossSiteForms(String baseUrl, AccessDeniedHandler denied) {
        this.publicOrigin = origin(baseUrl);
        this.denied = denied;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!SAFE.contains(request.getMethod()) && fromAnotherSite(request)) {
            // Said at each refusal, for an operator whose proxy rewrites Host (every form refused there:
            // docs/configuration.md).
            log.info("Refused a form another site sent: {} {} (Sec-Fetch-Site {}, Origin {}, Host {})",
                    request.getMethod(), shown(request.getRequestURI()),
                    shown(request.getHeader("Sec-Fetch-Site")), shown(request.getHeader("Origin")),
                    shown(request.getHeader("Host")));
            denied.handle(request, response, new AccessDeniedException("A form sent by another site"));
            return;
        }
        chain.doFilter(request, response);
    }

    boolean fromAnotherSite(HttpServletRequest request) {
        String site = request.getHeader("Sec-Fetch-Site");
        if (site != null) {
            return !site.equals("same-origin") && !site.equals("none");
        }
        String origin = request.getHeader("Origin");
        if (origin == null) {
            return false;
        }
        String host = request.getHeader("Host");
        int scheme = origin.indexOf("://");
        return !origin.equalsIgnoreCase(publicOrigin)
                && !(host != null && scheme > 0 && origin.substring(scheme + 3).equalsIgnoreCase(host));
    }

    /** A header's value for the log: at most 100 characters, nothing but visible ASCII. */
    private static String shown(String value) {
        if (value == null) {
            return "none";
        }
        String visible = value.chars().allMatch(c -> c >= ' ' && c < 127) ? value : "(not plain text)";
        return visible.length() > 100 ? visible.substring(0, 100) + "..." : visible;
    }

    /** {@code https://id.example.com:8443}: the origin of a URL, as a browser writes it in {@code Origin}. */
    static String origin(String url) {
        return PagePolicy.origin(url.trim()).orElseThrow(() -> new IllegalArgumentException(
                "gatehouse.base-url is not an http(s) URL: " + url));
    }
}

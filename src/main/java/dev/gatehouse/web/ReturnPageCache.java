package dev.gatehouse.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.web.savedrequest.CookieRequestCache;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;
import org.springframework.util.MultiValueMap;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * The page a signed-out browser asked for, to return to after sign-in, kept in an HttpOnly cookie rather than in a
 * session: anonymous requests for protected pages then create no session rows (an outside test made 2,000 of them
 * with a loop of GETs). Only GETs of well-formed links are kept. The cookie comes back from the client, so whatever
 * it holds is distrusted: a value that does not decode counts as none, and where it leads is checked again before use
 * ({@code SignInController}).
 */
public final class ReturnPageCache implements RequestCache {

    private final CookieRequestCache cookies = new CookieRequestCache();

    ReturnPageCache(boolean secure) {
        cookies.setRequestMatcher(ReturnPageCache::worthKeeping);
        cookies.setCookieCustomizer(cookie -> {
            cookie.setSecure(secure || cookie.getSecure());
            cookie.setAttribute("SameSite", "Lax");
        });
    }

    /**
     * The longest link kept: its cookie (Base64, plus the scheme and host) stays well under a browser's 4 KiB per
     * cookie and the server's response header limit. A longer one is not kept (the sign-in ends on the Security page)
     * rather than answered with an error.
     */
    static final int LONGEST_KEPT = 2048;

    private static boolean worthKeeping(HttpServletRequest request) {
        if (!"GET".equals(request.getMethod())) {
            return false;
        }
        String query = request.getQueryString();
        String link = request.getRequestURI() + (query == null ? "" : "?" + query);
        if (link.length() > LONGEST_KEPT) {
            return false;
        }
        try {
            new URI(link);
            return true;
        } catch (URISyntaxException malformed) {
            return false;
        }
    }

    @Override
    public void saveRequest(HttpServletRequest request, HttpServletResponse response) {
        cookies.saveRequest(request, response);
    }

    @Override
    public SavedRequest getRequest(HttpServletRequest request, HttpServletResponse response) {
        return decodable(request, response, () -> cookies.getRequest(request, response));
    }

    @Override
    public HttpServletRequest getMatchingRequest(HttpServletRequest request, HttpServletResponse response) {
        return decodable(request, response, () -> cookies.getMatchingRequest(request, response));
    }

    /** What {@code read} found in the cookie; null (and the cookie removed) when its value does not decode. */
    private <T> T decodable(HttpServletRequest request, HttpServletResponse response, Supplier<T> read) {
        try {
            return read.get();
        } catch (IllegalArgumentException undecodable) {
            cookies.removeRequest(request, response);
            return null;
        }
    }

    @Override
    public void removeRequest(HttpServletRequest request, HttpServletResponse response) {
        cookies.removeRequest(request, response);
    }

    /**
     * Makes {@code path} (a path on this server) the page a sign-in under way returns to, as if the browser had asked
     * for it with a GET.
     */
    public void returnTo(String path, HttpServletRequest request, HttpServletResponse response) {
        if (path.length() > LONGEST_KEPT) {
            return;
        }
        cookies.saveRequest(new jakarta.servlet.http.HttpServletRequestWrapper(request) {
            @Override
            public String getMethod() {
                return "GET";
            }

            @Override
            public String getRequestURI() {
                return request.getContextPath() + path;
            }

            @Override
            public String getQueryString() {
                return null;
            }
        }, response);
    }

    /**
     * Where a finished sign-in goes (after the password alone, or after the second step): the page that sent the
     * user to sign in, when it is a path on this server, else the Security page. Used once: the cookie is removed.
     */
    public String continueTo(HttpServletRequest request, HttpServletResponse response) {
        Optional<URI> waiting = waiting(request, response);
        removeRequest(request, response);
        return waiting.map(uri -> uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()))
                .orElse("/settings/security");
    }

    /** An application's authorization request a sign-in under way returns to (decoded; null when not given). */
    public record WaitingAuthorization(String clientId, String redirectUri) {
    }

    /**
     * The application's authorization request ({@code authorizationEndpoint}) a sign-in under way returns to, when
     * that is what waits and it names a client; the cookie stays. Nothing here says the client or its redirect URI is
     * registered: the caller checks.
     */
    public Optional<WaitingAuthorization> waitingAuthorization(HttpServletRequest request,
                                                               HttpServletResponse response,
                                                               String authorizationEndpoint) {
        return waiting(request, response).flatMap(page -> authorizationIn(page, authorizationEndpoint));
    }

    /** {@code page} ({@link #waiting}) as an application's authorization request, when it is one naming a client. */
    public static Optional<WaitingAuthorization> authorizationIn(URI page, String authorizationEndpoint) {
        if (!authorizationEndpoint.equals(page.getRawPath())) {
            return Optional.empty();
        }
        MultiValueMap<String, String> query = UriComponentsBuilder.fromUri(page).build().getQueryParams();
        String clientId = decoded(query.getFirst("client_id"));
        return clientId == null || clientId.isBlank() ? Optional.empty()
                : Optional.of(new WaitingAuthorization(clientId, decoded(query.getFirst("redirect_uri"))));
    }

    private static String decoded(String value) {
        try {
            return value == null ? null : UriUtils.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }

    /**
     * The page a sign-in under way will return to, when one is kept and it is a path on this server (the sign-in
     * page says "Sign in to continue"); the cookie stays.
     */
    public Optional<URI> waiting(HttpServletRequest request, HttpServletResponse response) {
        SavedRequest saved = getRequest(request, response);
        // Only GETs are ever saved; the cookie's saved request reports the method of the request reading it, so it
        // is not asked here.
        if (saved != null) {
            try {
                URI uri = new URI(saved.getRedirectUrl());
                if (request.getServerName().equalsIgnoreCase(uri.getHost()) && uri.getRawPath() != null
                        && uri.getRawPath().startsWith("/") && !uri.getRawPath().startsWith("//")) {
                    return Optional.of(uri);
                }
            } catch (URISyntaxException malformed) {
                // The cookie came back from the client changed: the default page it is.
            }
        }
        return Optional.empty();
    }
}

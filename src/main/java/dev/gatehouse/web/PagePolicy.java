package dev.gatehouse.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.function.BiFunction;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.web.header.HeaderWriter;

/**
 * The pages' Content-Security-Policy ({@link SecurityConfiguration#CSP}), with one exception to its
 * {@code form-action 'self'}. Browsers apply {@code form-action} to every redirect that follows a form's submission,
 * and when a sign-in was started by an application, its last form (the password on a trusted device, the code, the
 * saved backup codes) redirects through the authorization endpoint to the application's callback, on the
 * application's origin: Chromium refuses that hop. So while the page to return to is an authorization request whose
 * redirect URI its client registered, that one origin is allowed too; nothing else ever is. A policy a controller
 * set itself (the dev mailbox's) is left alone.
 */
final class PagePolicy implements HeaderWriter {

    static final String HEADER = "Content-Security-Policy";

    private final ReturnPageCache returnPage;
    private final String authorizationEndpoint;
    /** The registered redirect URI for (client id, redirect_uri or null), if it is one; empty otherwise. */
    private final BiFunction<String, String, Optional<String>> registeredRedirect;

    PagePolicy(ReturnPageCache returnPage, String authorizationEndpoint,
               BiFunction<String, String, Optional<String>> registeredRedirect) {
        this.returnPage = returnPage;
        this.authorizationEndpoint = authorizationEndpoint;
        this.registeredRedirect = registeredRedirect;
    }

    @Override
    public void writeHeaders(HttpServletRequest request, HttpServletResponse response) {
        if (response.containsHeader(HEADER)) {
            return;
        }
        response.setHeader(HEADER, applicationOrigin(request, response)
                .map(origin -> SecurityConfiguration.CSP.replace("form-action 'self'", "form-action 'self' " + origin))
                .orElse(SecurityConfiguration.CSP));
    }

    /** The origin of the callback the sign-in under way ends at, when it is an application's registered one. */
    private Optional<String> applicationOrigin(HttpServletRequest request, HttpServletResponse response) {
        return returnPage.waitingAuthorization(request, response, authorizationEndpoint)
                .flatMap(waiting -> registeredRedirect.apply(waiting.clientId(), waiting.redirectUri()))
                .flatMap(PagePolicy::origin);
    }

    /**
     * scheme://host[:port] of an absolute http(s) URI, nothing else (the value goes into a header), as a browser writes
     * it in {@code Origin}: lower case, without the scheme's default port.
     */
    static Optional<String> origin(String uri) {
        try {
            URI parsed = new URI(uri);
            String scheme = parsed.getScheme();
            if (parsed.getHost() == null || !("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))
                    || !parsed.getHost().matches("[A-Za-z0-9.\\-\\[\\]:]+")) {
                return Optional.empty();
            }
            scheme = scheme.toLowerCase(java.util.Locale.ROOT);
            int port = parsed.getPort();
            boolean defaultPort = port == -1 || port == ("https".equals(scheme) ? 443 : 80);
            return Optional.of(scheme + "://" + parsed.getHost().toLowerCase(java.util.Locale.ROOT)
                    + (defaultPort ? "" : ":" + port));
        } catch (URISyntaxException malformed) {
            return Optional.empty();
        }
    }
}

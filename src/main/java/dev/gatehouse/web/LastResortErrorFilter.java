package dev.gatehouse.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.MessageSource;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.HtmlUtils;
import org.springframework.web.util.WebUtils;

/**
 * Catches the database failures no resolver could: thrown while a page was being rendered, or while the session was
 * being saved after it (both need the database, so both fail when it is down). Left alone, such an exception reaches the
 * servlet container, which logs its message and stack trace (SQL and bound values included, against DESIGN.md
 * invariant 12) and, when the error page fails the same way, answers its own bare page. Here the person gets a plain
 * page that needs nothing (no template, no database), with 503 and {@code Retry-After} when the database was
 * unreachable, and the log gets the same one line as {@link UnexpectedErrorResolver}. An application gets what its
 * client reads instead of a page: the REST API's problem, or an OAuth error at the provider's endpoints it calls.
 * Runs outside the session and security filters, so it sees their failures too.
 *
 * <p>A session save that fails as the page is flushed (Spring Session saves when the response commits) ends here too,
 * and is not swallowed where it happens: a request whose session was not saved did not do what its page would say
 * (a sign-in that did not stick), and for an error answer the bare 500 came from the error mark cleared below, not
 * from the save, so dropping failed saves of error answers would have left every other failed error render to it.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class LastResortErrorFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(LastResortErrorFilter.class);

    /** The REST API's operations ({@code /api/v1/...}), not its documentation pages under {@code /api/}. */
    private static final Pattern API = Pattern.compile("/api/v[0-9]+/");

    private final MessageSource messages;
    private final Set<String> clientEndpoints;

    LastResortErrorFilter(MessageSource messages, ObjectProvider<AuthorizationServerSettings> settings) {
        this.messages = messages;
        AuthorizationServerSettings endpoints = settings.getIfAvailable(() -> AuthorizationServerSettings.builder()
                .build()); // a page slice has no provider; its default paths
        // The provider's endpoints that applications call, not browsers (the authorization and logout endpoints are
        // a browser's, and get the page).
        this.clientEndpoints = Set.of(endpoints.getTokenEndpoint(), endpoints.getTokenIntrospectionEndpoint(),
                endpoints.getTokenRevocationEndpoint(), endpoints.getJwkSetEndpoint(),
                endpoints.getOidcUserInfoEndpoint());
    }

    /**
     * The error page's own dispatch too (a 404 or 403 sent by {@code sendError}, or an exception the container passes
     * to {@code /error}): that page reads the session and so fails the same way while the database is down, and left
     * alone the container then answers its bare page. (An error dispatch nested inside this filter's own call is
     * already guarded by that call.)
     */
    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        try {
            chain.doFilter(request, response);
        } catch (ServletException | RuntimeException ex) {
            Throwable cause = ex instanceof ServletException && ex.getCause() != null ? ex.getCause() : ex;
            if (!fromTheDatabase(cause)) {
                throw ex; // the container's own answers stand (a form body it cannot read is 400, too large 413)
            }
            String incident = UUID.randomUUID().toString().substring(0, 8);
            log.error("Unexpected error {} on {} {} (after its handler): {}", incident, request.getMethod(),
                    UnexpectedErrorResolver.route(request), UnexpectedErrorResolver.classes(cause));
            log.debug("Unexpected error " + incident, ex);
            // An error view that failed as it rendered (its session save failed when the page was flushed) leaves the
            // request marked with its exception (DispatcherServlet clears the mark only after a render that worked).
            // Tomcat's error valve reads that mark after this filter: it would reset the page below and answer its
            // bare 500 instead. This filter's answer is the last word, so the mark goes. (On the error dispatch the
            // marks are Tomcat's own, for the failure it forwarded; it does not answer over that dispatch's page.)
            if (request.getDispatcherType() != DispatcherType.ERROR) {
                WebUtils.clearErrorRequestAttributes(request);
            }
            if (response.isCommitted()) {
                return; // part of the page has gone out; nothing more can be said to the browser
            }
            response.reset();
            int status = UnexpectedErrorResolver.status(response, cause);
            response.setHeader("Cache-Control", "no-store");
            String path = failedPath(request);
            String body;
            if (API.matcher(path).lookingAt()) {
                response.setContentType("application/problem+json");
                body = problem(status, incident);
            } else if (clientEndpoints.contains(path)) {
                response.setContentType("application/json;charset=UTF-8");
                body = oauthError(status, incident);
            } else {
                response.setContentType("text/html;charset=UTF-8");
                body = page(status, incident);
            }
            response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The path that failed: on the error page's own dispatch, the one the container forwarded from. */
    private static String failedPath(HttpServletRequest request) {
        String path = request.getAttribute(WebUtils.ERROR_REQUEST_URI_ATTRIBUTE) instanceof String failed ? failed
                : request.getRequestURI();
        return path == null ? "" : path.substring(Math.min(path.length(), request.getContextPath().length()));
    }

    /**
     * For the REST API: the RFC 9457 problem its handlers answer (docs/api.md, {@code ApiAdvice}), in the same words,
     * {@code service-unavailable} or {@code internal-error}. Only fixed words and the incident id, which is
     * hexadecimal: nothing to escape.
     */
    private static String problem(int status, String incident) {
        boolean unavailable = status == HttpServletResponse.SC_SERVICE_UNAVAILABLE;
        return "{\"type\":\"" + ProblemTypes.BASE + (unavailable ? "service-unavailable" : "internal-error")
                + "\",\"title\":\"" + (unavailable ? "Service unavailable" : "Internal error") + "\",\"status\":" + status
                + ",\"detail\":\"" + detail(unavailable, incident) + "\"}";
    }

    /**
     * For an application at the token, introspection, revocation, JWK set or UserInfo endpoint: an OAuth error
     * (RFC 6749 section 5.2), {@code temporarily_unavailable} or {@code server_error}, as its client library reads one.
     */
    private static String oauthError(int status, String incident) {
        boolean unavailable = status == HttpServletResponse.SC_SERVICE_UNAVAILABLE;
        return "{\"error\":\"" + (unavailable ? "temporarily_unavailable" : "server_error")
                + "\",\"error_description\":\"" + detail(unavailable, incident) + "\"}";
    }

    private static String detail(boolean unavailable, String incident) {
        return unavailable ? UnexpectedErrorResolver.databaseUnreachableDetail(incident)
                : UnexpectedErrorResolver.failureDetail(incident);
    }

    /** A database failure: what the container would log with its SQL and values, and cannot show a page for. */
    static boolean fromTheDatabase(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.springframework.dao.DataAccessException || t instanceof java.sql.SQLException
                    || t instanceof org.springframework.transaction.TransactionException) {
                return true;
            }
        }
        return false;
    }

    /** The words of the error page (the message source is in memory), in markup that needs no template. */
    private String page(int status, String incident) {
        boolean unavailable = status == HttpServletResponse.SC_SERVICE_UNAVAILABLE;
        String title = text(unavailable ? "error.unavailable" : "error.title");
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + title + "</title></head>"
                + "<body style=\"font-family: system-ui, sans-serif; max-width: 32rem; margin: 4rem auto; padding: 0 1rem\">"
                + "<main><h1>" + title + "</h1><p>" + text(unavailable ? "error.unavailable.body" : "error.body")
                + "</p><p><small>" + text("error.incident", incident) + "</small></p>"
                + "<p><a href=\"/\">" + text("error.home") + "</a></p></main></body></html>\n";
    }

    private String text(String key, Object... args) {
        return HtmlUtils.htmlEscape(messages.getMessage(key, args, Locale.ENGLISH));
    }
}

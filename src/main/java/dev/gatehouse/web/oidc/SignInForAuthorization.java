package dev.gatehouse.web.oidc;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Arrays;
import java.util.stream.Collectors;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.gatehouse.oidc.AccountClients;
import dev.gatehouse.oidc.OidcClients;
import dev.gatehouse.oidc.Acr;
import dev.gatehouse.oidc.AuthorizeAsks;
import dev.gatehouse.oidc.OidcPrincipal;
import dev.gatehouse.oidc.SignInChecks;
import dev.gatehouse.signin.BrowserSession;
import dev.gatehouse.signin.SignInService;
import dev.gatehouse.signin.SignedInUser;
import dev.gatehouse.signin.TwoFactorRequirement;
import dev.gatehouse.signin.servlet.ServletBrowserSession;

/**
 * Before an authorization request is granted, the session must have done all that Gatehouse's sign-in asks and all
 * that the request asks ({@link SignInChecks}). Runs in front of the authorization endpoint:
 * <ul>
 *   <li>another account's application (one registered on an account serves its members only) gets {@code
 *       access_denied} ({@code login_required} with {@code prompt=none}) before anything is asked;</li>
 *   <li>a member whose account requires two-step verification they have not set up goes to set it up first;</li>
 *   <li>{@code prompt=login}, or a {@code max_age} older than the session's password: the session is signed out and
 *       the user signs in again, the second factor asked even on a trusted device;</li>
 *   <li>an {@code acr_values} level the session has not reached: the user proves a second factor now;</li>
 *   <li>then the authorization request goes on where it was. Resumed after a new sign-in, it no longer says
 *       {@code prompt=login} or {@code max_age}, which that sign-in has met (else it would ask for ever).</li>
 * </ul>
 * A request the session meets is granted to an {@link dev.gatehouse.oidc.OidcPrincipal}, the snapshot its tokens'
 * claims come from; the session itself keeps its {@link SignedInUser}. With {@code prompt=none} nothing is asked here:
 * the endpoint answers {@code login_required} or {@code interaction_required} ({@link AuthorizationServerSecurity}).
 */
final class SignInForAuthorization extends OncePerRequestFilter {

    private final String endpoint;
    /** The endpoint as Spring's matches it (decoded path, GET or POST): a request it answers never skips this filter. */
    private final RequestMatcher endpointMatcher;
    private final SignInChecks checks;
    private final SignInService signIn;
    private final TwoFactorRequirement requirement;
    private final RegisteredClientRepository clients;
    private final AccountClients accountClients;
    private final dev.gatehouse.web.ReturnPageCache returnPage;
    private final dev.gatehouse.oidc.IdTokenHints hints;
    private final SecurityContextHolderStrategy holder = SecurityContextHolder.getContextHolderStrategy();

    SignInForAuthorization(String endpoint, SignInChecks checks, SignInService signIn,
                           TwoFactorRequirement requirement, RegisteredClientRepository clients,
                           AccountClients accountClients, dev.gatehouse.web.ReturnPageCache returnPage,
                           dev.gatehouse.oidc.IdTokenHints hints) {
        this.endpoint = endpoint;
        this.hints = hints;
        this.endpointMatcher = PathPatternRequestMatcher.withDefaults().matcher(endpoint);
        this.checks = checks;
        this.signIn = signIn;
        this.requirement = requirement;
        this.clients = clients;
        this.accountClients = accountClients;
        this.returnPage = returnPage;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !endpointMatcher.matches(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (readTwoWays(request)) {
            response.sendError(HttpServletResponse.SC_BAD_REQUEST);
            return;
        }
        AuthorizeAsks asks = AuthorizeAsks.of(request::getParameter);
        Authentication authentication = holder.getContext().getAuthentication();
        BrowserSession browser = ServletBrowserSession.of(request, response);
        // Only a request Spring's endpoint would answer at a registered callback may sign out, step up or send to
        // set-up: a forged link with an unknown client or callback ends at an error page, nothing changed.
        String clientId = request.getParameter("client_id");
        RegisteredClient client = clientId == null || clientId.isBlank() ? null : clients.findByClientId(clientId);
        // The request's redirect URI when its client registered it (or, naming none, the client's only one): the only
        // place an error may be sent to.
        Optional<String> callback = OidcClients.registeredRedirect(client, request.getParameter("redirect_uri"));
        boolean known = callback.isPresent();
        String responseMode = request.getParameter("response_mode");
        if (known && responseMode != null && !"query".equals(responseMode)) {
            // The code goes back in the query only (discovery says so): an application asking for form_post or
            // fragment was answered in the query all the same, where it did not expect the code (its server's logs, a
            // page's Referer). Refused at its callback, signed in or not, as Keycloak and Hydra do.
            errorToCallback(callback.get(), "invalid_request", "response_mode+not+supported", request, response);
            return;
        }
        if (authentication != null && authentication.getPrincipal() instanceof SignedInUser user) {
            if (!known) {
                // Never granted past this filter's checks: were the endpoint to accept a callback this filter does
                // not know (it must not: the same rule, OidcClients.registeredRedirect), it would issue a code
                // without the account's rules or the request's prompt, max_age and acr_values. The endpoint would
                // answer an unknown client or callback with this same error page.
                response.sendError(HttpServletResponse.SC_BAD_REQUEST);
                return;
            }
            if (!accountClients.servesUser(client.getId(), user.userId())) {
                // Another account's application (it signs in its account's members only): nothing is asked of this
                // session, no sign-out, step-up or set-up, and the application learns nothing of it, not even that
                // there is one (prompt=none: login_required, as for a browser that is not signed in).
                errorToCallback(callback.get(), asks.none() ? "login_required" : "access_denied", request, response);
                return;
            }
            String hint = request.getParameter("id_token_hint");
            if (asks.none() && hint != null && !hints.names(hint, user.userId())) {
                // Asked silently about someone else than the user signed in here (or with a hint this server did not
                // sign): OpenID Connect Core section 3.1.2.1, login_required. Without prompt=none the hint is only
                // a hint: the sign-in in this browser is the answer (found ignored by an outside attack in stop 32).
                errorToCallback(callback.get(), "login_required", request, response);
                return;
            }
            if (signIn.newPasswordDue(browser)) {
                // Signed in by a reset link: nothing is granted from it before the new password is chosen.
                if (asks.none()) {
                    errorToCallback(callback.get(), "interaction_required", request, response);
                } else {
                    continueAfter("/signin/reset", thisRequest(request), request, response);
                }
                return;
            }
            if (requirement.blocks(user.userId(), browser)) {
                if (asks.none()) {
                    request.setAttribute(AuthorizationServerSecurity.SETUP_REQUIRED, Boolean.TRUE);
                } else {
                    continueAfter("/settings/security#two-factor", thisRequest(request), request, response);
                    return;
                }
            } else if (!asks.none()) {
                switch (checks.need(user, asks)) {
                    case SIGN_IN -> {
                        signIn.requireFreshSignIn(browser);
                        continueAfter("/signin", resumed(request), request, response);
                        return;
                    }
                    case SECOND_FACTOR -> {
                        if (signIn.stepUp(user, browser).isPresent()) {
                            continueAfter("/signin/verify", thisRequest(request), request, response);
                            return;
                        }
                    }
                    case NOTHING -> { }
                }
            }
            // For this request only (never saved): the authorization remembers the sign-in as it is now.
            // The password's time is the factor Spring's token generator reads auth_time from.
            OidcPrincipal principal = checks.principal(user);
            List<GrantedAuthority> authorities = new ArrayList<>(authentication.getAuthorities());
            authorities.add(FactorGrantedAuthority.withAuthority(FactorGrantedAuthority.PASSWORD_AUTHORITY)
                    .issuedAt(principal.authTime()).build());
            SecurityContext granted = holder.createEmptyContext();
            granted.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(principal, null, authorities));
            holder.setContext(granted);
        } else if (asks.none()) {
            // Spring's endpoint sits behind the sign-in rule, so it would send this browser to sign in: answered here.
            if (known) {
                errorToCallback(callback.get(), "login_required", request, response);
                return;
            }
        } else if (known && (asks.login() || asks.maxAge() != null
                || asks.weakestAccepted().filter(Acr.MFA_NOW::equals).isPresent())) {
            // Not signed in: the sign-in about to happen is the new one asked for; no trusted device spares its factor.
            signIn.requireFreshSignIn(browser);
            continueAfter("/signin", resumed(request), request, response);
            return;
        }
        chain.doFilter(request, response);
    }

    /** The parameters this filter or the endpoint reads: each may be given once. */
    static final java.util.Set<String> READ = java.util.Set.of("response_type", "client_id", "redirect_uri", "scope",
            "state", "nonce", "prompt", "max_age", "acr_values", "code_challenge", "code_challenge_method",
            "request_uri", "login_hint", "id_token_hint", "response_mode");

    /**
     * A request this filter could read otherwise than Spring's endpoint, answered by neither (this filter's view of the
     * request must be the endpoint's):
     * <ul>
     *   <li>a POST with a query string: the endpoint reads a POST's body only, and drops a body parameter whose name
     *       appears in the query string;</li>
     *   <li>a GET parameter whose name is not written as such in the query string ({@code %70rompt=none}): the
     *       container decodes the name, the endpoint keeps only names found literally in the raw query string;</li>
     *   <li>a parameter that is read given twice: this filter would take the first value, the endpoint a list (so
     *       {@code prompt}, {@code max_age} or {@code acr_values} would go unread); others, such as RFC 8707's
     *       {@code resource}, may repeat;</li>
     *   <li>a callback whose port is not a number: the endpoint's loopback rule fails on it with an exception;</li>
     *   <li>a {@code max_age} that is not a plain number ({@link AuthorizeAsks#malformed}).</li>
     * </ul>
     */
    private static boolean readTwoWays(HttpServletRequest request) {
        String query = request.getQueryString();
        if ("POST".equals(request.getMethod()) && query != null) {
            return true;
        }
        for (java.util.Map.Entry<String, String[]> parameter : request.getParameterMap().entrySet()) {
            if ("GET".equals(request.getMethod()) && (query == null || !query.contains(parameter.getKey()))) {
                return true;
            }
            if (parameter.getValue().length > 1 && READ.contains(parameter.getKey())) {
                return true;
            }
        }
        if (AuthorizeAsks.malformed(request::getParameter)) {
            return true;
        }
        String callback = request.getParameter("redirect_uri");
        return callback != null && !OidcClients.wellFormed(callback);
    }

    /** An OAuth error answered at the client's registered callback, with the request's state. */
    private static void errorToCallback(String callback, String error, HttpServletRequest request,
                                        HttpServletResponse response) throws IOException {
        errorToCallback(callback, error, null, request, response);
    }

    /** {@link #errorToCallback}, with an {@code error_description} (already encoded) when not null. */
    private static void errorToCallback(String callback, String error, String encodedDescription,
                                        HttpServletRequest request, HttpServletResponse response) throws IOException {
        String state = request.getParameter("state");
        response.sendRedirect(callback + (callback.contains("?") ? "&" : "?") + "error=" + error
                + (encodedDescription == null ? "" : "&error_description=" + encodedDescription)
                + (state == null ? "" : "&state=" + URLEncoder.encode(state, StandardCharsets.UTF_8)));
    }

    private void continueAfter(String page, String authorizeRequest, HttpServletRequest request,
                               HttpServletResponse response) throws IOException {
        returnPage.returnTo(authorizeRequest, request, response);
        response.sendRedirect(request.getContextPath() + page);
    }

    private String thisRequest(HttpServletRequest request) {
        String query = query(request);
        return endpoint + (query.isEmpty() ? "" : "?" + query);
    }

    /**
     * The request's parameters as a query string, to resume it with a GET: the query string itself, or for a POST
     * (parameters in the body) every parameter encoded again.
     */
    private static String query(HttpServletRequest request) {
        if ("GET".equals(request.getMethod())) {
            return request.getQueryString() == null ? "" : request.getQueryString();
        }
        return request.getParameterMap().entrySet().stream()
                .flatMap(p -> Arrays.stream(p.getValue()).map(value -> encode(p.getKey()) + "=" + encode(value)))
                .collect(Collectors.joining("&"));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** This request as it is resumed after a new sign-in: without {@code max_age} and the {@code login} prompt. */
    private String resumed(HttpServletRequest request) {
        String query = query(request);
        String kept = Arrays.stream(query.split("&")).filter(pair -> !pair.isEmpty())
                .filter(pair -> !pair.startsWith("max_age="))
                .map(pair -> pair.startsWith("prompt=") ? withoutLogin(pair.substring("prompt=".length())) : pair)
                .filter(pair -> !pair.isEmpty())
                .collect(Collectors.joining("&"));
        return endpoint + (kept.isEmpty() ? "" : "?" + kept);
    }

    private static String withoutLogin(String encodedPrompt) {
        String prompt;
        try {
            prompt = URLDecoder.decode(encodedPrompt, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return "";
        }
        String rest = Arrays.stream(prompt.trim().split("\\s+"))
                .filter(p -> !p.equals("login") && !p.isEmpty()).collect(Collectors.joining(" "));
        return rest.isEmpty() ? "" : "prompt=" + encode(rest);
    }
}

package dev.gatehouse.web.oidc;

import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;


import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.authorization.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.PkceParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.ClientSecretAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.server.authorization.oidc.OidcProviderConfiguration;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcLogoutAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcLogoutAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.oidc.web.authentication.OidcLogoutAuthenticationSuccessHandler;
import org.springframework.security.web.authentication.logout.SecurityContextLogoutHandler;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2RefreshTokenAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenIntrospectionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenRevocationAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcUserInfoAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationValidator;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.preauth.AbstractPreAuthenticatedProcessingFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.csrf.CsrfTokenRepository;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.oidc.AccountClients;
import dev.gatehouse.oidc.Acr;
import dev.gatehouse.oidc.ApiScopes;
import dev.gatehouse.oidc.AuthorizeAsks;
import dev.gatehouse.oidc.ClientSecrets;
import dev.gatehouse.oidc.EarlierIdTokens;
import dev.gatehouse.oidc.OidcPrincipal;
import dev.gatehouse.oidc.SignInChecks;
import dev.gatehouse.signin.SessionProperties;
import dev.gatehouse.signin.Sessions;
import dev.gatehouse.signin.SignedInUser;
import dev.gatehouse.signin.SignInService;
import dev.gatehouse.signin.TwoFactorRequirement;
import dev.gatehouse.signin.servlet.ServletBrowserSession;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.oidc.AuthorizationUses;
import dev.gatehouse.web.SignedInSessionFilter;
import dev.gatehouse.web.ReturnPageCache;

/**
 * The OpenID Connect provider's endpoints (Spring Authorization Server, OpenID Connect on): authorization, token,
 * JWK set, discovery, UserInfo, revocation, introspection and RP-initiated logout, in a filter chain of their own before
 * the pages. A browser that is not signed in goes to Gatehouse's own sign-in and comes back to the authorization
 * request afterwards (the {@link ReturnPageCache}); {@link SignInForAuthorization} asks again what the request needs.
 */
@Configuration(proxyBeanMethods = false)
class AuthorizationServerSecurity {

    /** Request attribute: the signed-in user must first set up two-step verification (their account's rules). */
    static final String SETUP_REQUIRED = "gatehouse.oidc.setupRequired";

    private static final AuthenticationTrustResolver SIGNED_IN = new AuthenticationTrustResolverImpl();

    /** RFC 7636 section 4.2: {@code BASE64URL-ENCODE(SHA256(ASCII(code_verifier)))}, 32 bytes without padding. */
    private static final Pattern S256_CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityFilterChain authorizationServer(HttpSecurity http, ReturnPageCache returnPage, SignInChecks checks,
                                            SignInService signIn, TwoFactorRequirement requirement,
                                            RegisteredClientRepository clients, AuthorizationServerSettings settings,
                                            SessionProperties sessionProperties, Sessions sessions,
                                            AccountClients accountClients, dev.gatehouse.oidc.TokenClaims tokenClaims,
                                            OAuth2AuthorizationService authorizations,
                                            AuditLog audit, Clock clock,
                                            CsrfTokenRepository formTokens, AuthorizationUses uses,
                                            dev.gatehouse.oidc.IdTokenHints hints, EarlierIdTokens earlierIdTokens,
                                            dev.gatehouse.oidc.SpentRefreshTokens spentRefreshTokens,
                                            dev.gatehouse.system.RateLimits rateLimits)
            throws Exception {
        OAuth2AuthorizationServerConfigurer server = new OAuth2AuthorizationServerConfigurer();
        java.util.function.Function<AuthenticationProvider, InFrontOfSpring> withinTheSignIn = spring ->
                new WithinTheSignIn(spring, authorizations, accountClients, sessions,
                        sessionProperties.absoluteLifetime(), clock, requirement, uses, earlierIdTokens,
                        spentRefreshTokens, checks);
        http
                .securityMatcher(server.getEndpointsMatcher())
                .with(server, as -> as
                        .oidc(oidc -> oidc.logoutEndpoint(logout -> logout
                                        .authenticationProviders(InFrontOfSpring.inFrontOf(
                                                OidcLogoutAuthenticationProvider.class,
                                                spring -> new SignOutWithAnEarlierIdToken(spring, earlierIdTokens,
                                                        hints, clients)))
                                        .logoutResponseHandler(applicationSignsOut(sessions, audit)))
                                .userInfoEndpoint(userInfo -> userInfo.userInfoMapper(tokenClaims::userInfo)
                                        .errorResponseHandler(new UserInfoErrors())
                                        .authenticationProviders(InFrontOfSpring
                                        .inFrontOf(OidcUserInfoAuthenticationProvider.class, withinTheSignIn)))
                                .providerConfigurationEndpoint(discovery -> discovery
                                        .providerConfigurationCustomizer(AuthorizationServerSecurity::whatWorks)))
                        .authorizationServerMetadataEndpoint(metadata -> metadata
                                .authorizationServerMetadataCustomizer(builder -> builder
                                        .claims(AuthorizationServerSecurity::whatWorks)))
                        // Client secrets are 256 random bits: checked as SHA-256, not bcrypt (ClientSecrets says why).
                        .clientAuthentication(authentication -> authentication.authenticationProviders(providers ->
                                providers.stream().filter(ClientSecretAuthenticationProvider.class::isInstance)
                                        .map(ClientSecretAuthenticationProvider.class::cast)
                                        .forEach(provider -> provider.setPasswordEncoder(ClientSecrets.ENCODER))))
                        .authorizationEndpoint(endpoint -> endpoint.authenticationProviders(providers -> providers
                                .stream()
                                .filter(OAuth2AuthorizationCodeRequestAuthenticationProvider.class::isInstance)
                                .map(OAuth2AuthorizationCodeRequestAuthenticationProvider.class::cast)
                                .forEach(provider -> provider.setAuthenticationValidator(
                                        new OAuth2AuthorizationCodeRequestAuthenticationValidator()
                                                .andThen(grantedOnlyAsChecked(checks, accountClients))))))
                        .tokenEndpoint(endpoint -> endpoint.authenticationProviders(InFrontOfSpring.inFrontOf(
                                OAuth2RefreshTokenAuthenticationProvider.class, withinTheSignIn).andThen(
                                InFrontOfSpring.inFrontOf(OAuth2AuthorizationCodeAuthenticationProvider.class,
                                        withinTheSignIn)).andThen(
                                InFrontOfSpring.inFrontOf(OAuth2ClientCredentialsAuthenticationProvider.class,
                                        spring -> new ClientCredentialsBudget(spring, rateLimits, clock)))))
                        .tokenRevocationEndpoint(endpoint -> endpoint.authenticationProviders(InFrontOfSpring.inFrontOf(
                                OAuth2TokenRevocationAuthenticationProvider.class,
                                spring -> new RevocationOfOwnTokens(spring, authorizations, uses))))
                        .tokenIntrospectionEndpoint(endpoint -> endpoint.authenticationProviders(InFrontOfSpring
                                .inFrontOf(OAuth2TokenIntrospectionAuthenticationProvider.class,
                                        spring -> new IntrospectionOfOwnTokens(spring, accountClients, authorizations,
                                                sessions)))))
                .authorizeHttpRequests(authorize -> authorize.anyRequest().authenticated())
                // A browser asking to authorize goes to sign in; the other endpoints answer clients with their own 401.
                .exceptionHandling(exceptions -> exceptions.defaultAuthenticationEntryPointFor(
                        new LoginUrlAuthenticationEntryPoint("/signin"),
                        PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.GET,
                                settings.getAuthorizationEndpoint())))
                // Only a browser's authorization request is a page to come back to after signing in: a /userinfo
                // without a token kept itself as one, and the browser that signed in next landed on a 401.
                .requestCache(cache -> cache.requestCache(new AuthorizationRequestsOnly(returnPage,
                        PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.GET,
                                settings.getAuthorizationEndpoint()))))
                // As on the pages: an error page shown to a browser without a session (a bad authorization or logout
                // request) keeps its form token in a cookie, not in a new session (found by an outside attack in
                // stop 32: each anonymous request stored a session).
                .csrf(csrf -> csrf.csrfTokenRepository(formTokens))
                // The UserInfo endpoint takes the access token as a bearer token.
                .oauth2ResourceServer(resourceServer -> resourceServer.jwt(Customizer.withDefaults())
                        .authenticationEntryPoint(new UserInfoErrors()))
                .headers(headers -> headers
                        // The endpoints answer JSON or redirects; an error page (a bad authorization request) is
                        // the pages' own, so its style sheet and logo may load. Nothing else: no script, no form.
                        .contentSecurityPolicy(csp -> csp.policyDirectives("default-src 'none'; style-src 'self';"
                                + " img-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"))
                        .frameOptions(frame -> frame.deny())
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER)))
                // A session past its absolute lifetime, or ended with all the user's sessions, authorizes nothing, here
                // as on the pages.
                .addFilterBefore(new SignedInSessionFilter(sessionProperties, sessions, clock),
                        AbstractPreAuthenticatedProcessingFilter.class)
                // Before client authentication, which reads the code and compares the verifier (Spring's filter comes
                // after this anchor), on every endpoint it covers.
                .addFilterBefore(new WellFormedClientRequests(Set.of(settings.getTokenEndpoint(),
                                settings.getTokenIntrospectionEndpoint(), settings.getTokenRevocationEndpoint(),
                                settings.getPushedAuthorizationRequestEndpoint(),
                                settings.getDeviceAuthorizationEndpoint())),
                        AbstractPreAuthenticatedProcessingFilter.class)
                // Before Spring's own filters at this anchor (its authorization request validating filter takes the
                // request's principal when it reads the request): ties keep the order of registration, and a grant
                // read before this filter's OidcPrincipal would be refused by grantedOnlyAsChecked (every signed-in
                // authorization in OidcFlowTests would fail), never granted unchecked.
                .addFilterBefore(new SignInForAuthorization(settings.getAuthorizationEndpoint(), checks, signIn,
                        requirement, clients, accountClients, returnPage, hints),
                        AbstractPreAuthenticatedProcessingFilter.class);
        return http.build();
    }

    /** The pages' return-page cookie, kept for the requests {@code kept} matches only. */
    private record AuthorizationRequestsOnly(org.springframework.security.web.savedrequest.RequestCache pages,
                                             org.springframework.security.web.util.matcher.RequestMatcher kept)
            implements org.springframework.security.web.savedrequest.RequestCache {

        @Override
        public void saveRequest(jakarta.servlet.http.HttpServletRequest request,
                                jakarta.servlet.http.HttpServletResponse response) {
            if (kept.matches(request)) {
                pages.saveRequest(request, response);
            }
        }

        @Override
        public org.springframework.security.web.savedrequest.SavedRequest getRequest(
                jakarta.servlet.http.HttpServletRequest request, jakarta.servlet.http.HttpServletResponse response) {
            return pages.getRequest(request, response);
        }

        @Override
        public jakarta.servlet.http.HttpServletRequest getMatchingRequest(
                jakarta.servlet.http.HttpServletRequest request, jakarta.servlet.http.HttpServletResponse response) {
            return pages.getMatchingRequest(request, response);
        }

        @Override
        public void removeRequest(jakarta.servlet.http.HttpServletRequest request,
                                  jakarta.servlet.http.HttpServletResponse response) {
            pages.removeRequest(request, response);
        }
    }

    /**
     * The discovery document says what a client of Gatehouse can use, not everything Spring's endpoints know: the
     * scopes clients are registered with, the {@code acr} levels {@code acr_values} may ask for, the client
     * authentications and grants a client can be registered for (docs/integration.md).
     */
    private static void whatWorks(OidcProviderConfiguration.Builder discovery) {
        discovery.claims(AuthorizationServerSecurity::whatWorks)
                .claim("acr_values_supported", Arrays.stream(Acr.values()).map(Acr::value).toList());
    }

    /** The same, by metadata name, for both documents (RFC 8414's {@code /.well-known/oauth-authorization-server}). */
    private static void whatWorks(Map<String, Object> metadata) {
        List<String> secrets = List.of(ClientAuthenticationMethod.CLIENT_SECRET_BASIC.getValue(),
                ClientAuthenticationMethod.CLIENT_SECRET_POST.getValue());
        List<String> scopes = new java.util.ArrayList<>(List.of(OidcScopes.OPENID, OidcScopes.EMAIL, OidcScopes.PROFILE));
        scopes.addAll(ApiScopes.ALL);
        metadata.put("scopes_supported", List.copyOf(scopes));
        // none: a public client, with PKCE.
        metadata.put("token_endpoint_auth_methods_supported", java.util.stream.Stream.concat(secrets.stream(),
                java.util.stream.Stream.of(ClientAuthenticationMethod.NONE.getValue())).toList());
        metadata.put("revocation_endpoint_auth_methods_supported", secrets);
        metadata.put("introspection_endpoint_auth_methods_supported", secrets);
        metadata.put("grant_types_supported", List.of(AuthorizationGrantType.AUTHORIZATION_CODE.getValue(),
                AuthorizationGrantType.REFRESH_TOKEN.getValue(), AuthorizationGrantType.CLIENT_CREDENTIALS.getValue()));
        // Answers come in the query string only, and a request object by reference is not taken: said, since the
        // defaults of an absent entry (query and fragment; request_uri supported) would claim more (an outside
        // attack in stop 32 read them so).
        metadata.put("response_modes_supported", List.of("query"));
        metadata.put("request_uri_parameter_supported", false);
        // Neither mutual TLS nor DPoP is set up for any client: not announced.
        metadata.remove("tls_client_certificate_bound_access_tokens");
        metadata.remove("dpop_signing_alg_values_supported");
    }

    /**
     * RP-initiated logout: the application signs the user out of their Gatehouse session (Spring's handler, as before),
     * and this browser's sign-in of the ID token's user ends as with the page's "Sign out"
     * ({@link Sessions#endThisSignIn}): what every application was granted in it ends too (a refresh token would
     * otherwise outlive the sign-out, listed nowhere). A session waiting for a step-up or a new sign-in of that user
     * is signed out the same way (it was left as it was, and a code alone then finished the step-up after the
     * application's sign-out). Only this browser's: an ID token from another browser of the same user signs this
     * browser out but ends nothing of that other browser, and one sent from a browser that holds nothing of the
     * user's touches nothing. The user's other browsers keep theirs, the same application's included (ending all of
     * the application's made its sign-out in a second browser fail). "Sign out everywhere" ends all of them.
     *
     * <p>Until stop 36 this ended only the application's authorizations made in this browser (by a browser key each
     * carried), reading each one of the user's for the application; ending the sign-in covers them.
     */
    private static OidcLogoutAuthenticationSuccessHandler applicationSignsOut(Sessions sessions, AuditLog audit) {
        OidcLogoutAuthenticationSuccessHandler handler = new OidcLogoutAuthenticationSuccessHandler();
        SecurityContextLogoutHandler signOut = new SecurityContextLogoutHandler();
        handler.setLogoutHandler((request, response, authentication) -> {
            if (!(authentication instanceof OidcLogoutAuthenticationToken logout) || logout.getIdToken() == null
                    || logout.getIdToken().getAudience() == null
                    || logout instanceof SignOutWithAnEarlierIdToken.OfAnEndedSignIn) {
                return; // an ended sign-in's ID token: back to the application, nothing here to end
            }
            SignedInUser signedIn = SignOutWithAnEarlierIdToken.signedIn(logout);
            UUID subject;
            try {
                subject = UUID.fromString(logout.getIdToken().getSubject());
            } catch (IllegalArgumentException | NullPointerException notOurs) {
                return;
            }
            // The endpoint checked a signed-in session's user is the ID token's subject; a waiting one is checked by
            // the filter here.
            if (sessions.endThisSignIn(ServletBrowserSession.of(request, response), subject::equals).isEmpty()) {
                return; // not this browser's: nothing of it, or of the user, is touched
            }
            audit.record(AuditEventType.SIGN_OUT, subject, null, ClientInfo.of(request),
                    "by application " + String.join(", ", logout.getIdToken().getAudience()));
            signOut.logout(request, response, signedIn != null ? (Authentication) logout.getPrincipal() : null);
        });
        return handler;
    }

    /**
     * The endpoint's last word on the sign-in, on the request as the endpoint read it: a request whose asks cannot be
     * read one way (a read parameter given twice, a malformed {@code max_age}) is {@code invalid_request}; only a
     * sign-in that {@link SignInForAuthorization} checked is granted, and it must still meet the request's
     * {@code prompt=login}, {@code max_age} and {@code acr_values} and not belong to a member held for set-up
     * ({@code access_denied} otherwise, which that filter's checks make unreachable). An application registered on an
     * account is granted to that account's members only ({@code access_denied} for anyone else, {@code prompt=none}
     * or not). {@code prompt=none} forbids asking the user anything: when the session would have to prove more (sign
     * in again, a second factor now, a set-up its account requires), the answer is {@code interaction_required} at the
     * client's redirect URI. Runs after the standard checks, so the redirect URI is the registered one.
     */
    private static Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> grantedOnlyAsChecked(
            SignInChecks checks, AccountClients accountClients) {
        return context -> {
            OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
            Map<String, Object> parameters = request.getAdditionalParameters();
            if (parameters.containsKey("request")) {
                // OpenID Connect Core 6.1: an OP that does not support request objects MUST say so; read as absent,
                // the prompt or max_age inside one would go unheeded.
                throw new OAuth2AuthorizationCodeRequestAuthenticationException(new OAuth2Error(
                        "request_not_supported", "Request objects are not supported.", null), request);
            }
            if (SignInForAuthorization.READ.stream().anyMatch(name -> parameters.get(name) != null
                    && !(parameters.get(name) instanceof String))) {
                // A parameter read here given twice (SignInForAuthorization refuses those first): never "not asked".
                throw new OAuth2AuthorizationCodeRequestAuthenticationException(new OAuth2Error(
                        OAuth2ErrorCodes.INVALID_REQUEST, "A parameter was given more than once.", null), request);
            }
            if (AuthorizeAsks.malformed(name -> (String) parameters.get(name))) {
                throw new OAuth2AuthorizationCodeRequestAuthenticationException(new OAuth2Error(
                        OAuth2ErrorCodes.INVALID_REQUEST, "max_age must be a number of seconds.", null), request);
            }
            if (parameters.get(PkceParameterNames.CODE_CHALLENGE) instanceof String challenge
                    && !S256_CHALLENGE.matcher(challenge).matches()) {
                // The only method taken is S256, whose challenge is a SHA-256 in base64url: anything else could never
                // match a verifier, and the client learns it here rather than at the token endpoint.
                throw new OAuth2AuthorizationCodeRequestAuthenticationException(new OAuth2Error(
                        OAuth2ErrorCodes.INVALID_REQUEST, "code_challenge must be the base64url SHA-256 of the code"
                        + " verifier, 43 characters (RFC 7636 section 4.2).", null), request);
            }
            AuthorizeAsks asks = AuthorizeAsks.of(name -> (String) parameters.get(name));
            if (request.getPrincipal() instanceof Authentication user && SIGNED_IN.isAuthenticated(user)
                    && !(user.getPrincipal() instanceof OidcPrincipal)) {
                // Only SignInForAuthorization grants an OidcPrincipal, after its checks: a signed-in request that
                // reached the endpoint without them (another method, another spelling of the path) gets nothing.
                throw new OAuth2AuthorizationCodeRequestAuthenticationException(new OAuth2Error(
                        OAuth2ErrorCodes.ACCESS_DENIED, "The sign-in was not checked for this request.", null), request);
            }
            if (!(request.getPrincipal() instanceof Authentication user)
                    || !(user.getPrincipal() instanceof OidcPrincipal principal)) {
                return;
            }
            if (!accountClients.servesUser(context.getRegisteredClient().getId(), principal.userId())) {
                // An account's application signs in that account's members only: another account's user is never
                // told to it (no consent screen stands between them: it is the account's own application).
                throw new OAuth2AuthorizationCodeRequestAuthenticationException(new OAuth2Error(
                        OAuth2ErrorCodes.ACCESS_DENIED, "The user is not a member of this application's account.",
                        null), request);
            }
            RequestAttributes current = RequestContextHolder.getRequestAttributes();
            boolean setupRequired = current != null
                    && current.getAttribute(SETUP_REQUIRED, RequestAttributes.SCOPE_REQUEST) != null;
            if (setupRequired || checks.need(principal, asks) != SignInChecks.Need.NOTHING) {
                // prompt=none: nothing may be asked. Otherwise SignInForAuthorization met these asks (and sent a
                // member who must set up two-step verification to do so) before it granted; checked again on the
                // parameters as the endpoint read them, so that no way of writing a request can have them seen by one
                // and not the other.
                throw new OAuth2AuthorizationCodeRequestAuthenticationException(asks.none()
                        ? new OAuth2Error("interaction_required", "The sign-in must be completed by the user.", null)
                        : new OAuth2Error(OAuth2ErrorCodes.ACCESS_DENIED,
                                "The sign-in was not checked for this request.", null), request);
            }
        };
    }
}

package dev.gatehouse.web.api;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;

import dev.gatehouse.oidc.AccountClients;
import dev.gatehouse.oidc.ApiScopes;
import dev.gatehouse.system.RateLimits;

/**
 * The REST API's own filter chain ({@code /api/**}): stateless, no session, no CSRF (no cookie is read), no redirect
 * to the sign-in page. A bearer access token (a JWT signed by Gatehouse's own keys) is required everywhere but on the
 * OpenAPI document and its docs page; it must be unexpired by the injected clock and carry
 * {@link ApiScopes#ACCOUNT_CLAIM}, which only the client credentials tokens of a service registered for an account
 * have, so a user's access token (authorization code flow) is refused with 401. What the token may do is checked per
 * handler by {@link ApiAccess}; per-client request budgets by {@link ApiRateLimit}; {@code Idempotency-Key} by
 * {@link IdempotencyFilter}.
 */
@Configuration(proxyBeanMethods = false)
class ApiSecurity {

    /** Open without a token: the OpenAPI document and the docs page that shows it. */
    static final String[] OPEN = {OpenApiDocument.PATH, OpenApiDocument.PATH + "/**", OpenApiDocument.DOCS_PAGE,
            OpenApiDocument.DOCS_UI + "/**"};

    /** How far the clocks of the token's issuer and of this node may differ (both are Gatehouse: little). */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

    @Bean
    @Order(0)
    SecurityFilterChain api(HttpSecurity http, JWKSource<SecurityContext> keys, Clock clock, RateLimits limits,
                            ApiProperties properties, IdempotencyKeys idempotencyKeys,
                            ObjectProvider<AccountClients> accountClients, ObjectProvider<ApiActor> actors)
            throws Exception {
        ApiRateLimit rateLimit = new ApiRateLimit(limits, properties, clock);
        http
                .securityMatcher("/api/**")
                .authorizeHttpRequests(authorize -> authorize
                        .requestMatchers(HttpMethod.GET, OPEN).permitAll()
                        .anyRequest().authenticated())
                .oauth2ResourceServer(resourceServer -> resourceServer
                        .jwt(jwt -> jwt.decoder(decoder(keys, clock)))
                        .authenticationEntryPoint(ApiSecurity::unauthorized)
                        .accessDeniedHandler((request, response, denied) -> ProblemResponses.write(request, response,
                                ApiProblem.insufficientScope("This token may not do this."))))
                .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(ApiSecurity::unauthorized))
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .anonymous(anonymous -> { })
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(OpenApiDocument.CSP))
                        .frameOptions(frame -> frame.deny())
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER)))
                .addFilterAfter(rateLimit, AuthorizationFilter.class)
                .addFilterAfter(new IdempotencyFilter(idempotencyKeys, accountClients, actors), ApiRateLimit.class);
        return http.build();
    }

    /**
     * Access tokens signed by this server's keys (the JWK set the OpenID Connect provider publishes), unexpired by the
     * injected clock, and API tokens ({@link ApiScopes#ACCOUNT_CLAIM} a UUID).
     */
    static JwtDecoder decoder(JWKSource<SecurityContext> keys, Clock clock) {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSource(keys).build();
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(unexpired(clock), apiToken()));
        return decoder;
    }

    /**
     * The token's {@code exp} is after now (by the injected clock, less {@link #CLOCK_SKEW}). Its {@code nbf} is not
     * checked: Gatehouse issues no token for later, so it is the issue time, which says nothing more.
     */
    static OAuth2TokenValidator<Jwt> unexpired(Clock clock) {
        OAuth2Error expired = new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, "The access token expired.", null);
        return jwt -> jwt.getExpiresAt() != null && clock.instant().minus(CLOCK_SKEW).isBefore(jwt.getExpiresAt())
                ? OAuth2TokenValidatorResult.success() : OAuth2TokenValidatorResult.failure(expired);
    }

    static OAuth2TokenValidator<Jwt> apiToken() {
        OAuth2Error notApi = new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN,
                "Not an API token: use the client credentials grant of a service client.", null);
        return jwt -> ApiCaller.accountOf(jwt.getClaims().get(ApiScopes.ACCOUNT_CLAIM)).isPresent()
                && jwt.getSubject() != null
                ? OAuth2TokenValidatorResult.success() : OAuth2TokenValidatorResult.failure(notApi);
    }

    /** 401 as a problem, with the {@code WWW-Authenticate} challenge RFC 6750 asks for. */
    private static void unauthorized(HttpServletRequest request, HttpServletResponse response,
                                     AuthenticationException failure) throws IOException {
        boolean tokenSent = failure instanceof InvalidBearerTokenException
                || Optional.ofNullable(request.getHeader("Authorization")).filter(h -> h.regionMatches(true, 0,
                "Bearer ", 0, 7)).isPresent();
        response.setHeader("WWW-Authenticate", tokenSent
                ? "Bearer error=\"invalid_token\", error_description=\"The access token is not valid here.\""
                : "Bearer");
        ProblemResponses.write(request, response, ApiProblem.unauthorized(tokenSent
                ? "The access token is invalid, expired, or not an API token."
                : "Send an access token: Authorization: Bearer <token> (docs/api.md)."));
    }
}

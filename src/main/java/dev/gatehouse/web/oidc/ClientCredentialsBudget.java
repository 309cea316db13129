package dev.gatehouse.web.oidc;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationToken;
import org.springframework.security.authentication.AuthenticationProvider;

import dev.gatehouse.crypto.Tokens;
import dev.gatehouse.system.RateLimits;

/**
 * A service client's tokens (the {@code client_credentials} grant) are budgeted: 1,200 in 10 minutes and 50,000 a UTC
 * day per client. Spring stores an authorization for each token, kept its life and a day after, so a client looping
 * the token endpoint grew the store without end (found by stop 37's review; a user's authorizations are capped instead,
 * {@code AuthorizationCaps}). A client that reuses its token until it expires (10 minutes, docs/api.md) asks for a
 * few an hour. Only the client itself can spend its budget: the client is authenticated before this rule runs.
 */
public final class ClientCredentialsBudget extends InFrontOfSpring {

    private final RateLimits limits;
    private final Clock clock;

    ClientCredentialsBudget(AuthenticationProvider spring, RateLimits limits, Clock clock) {
        super(spring);
        this.limits = limits;
        this.clock = clock;
    }

    /** The budget of the client whose store id is {@code registeredClientId} (hashed: a scope is short). */
    public static List<RateLimits.Limit> tokens(String registeredClientId) {
        return RateLimits.windowAndDay("cc-tokens:" + Tokens.sha256(registeredClientId).substring(0, 24),
                Duration.ofMinutes(10), 1200, 50_000);
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        if (authentication instanceof OAuth2ClientCredentialsAuthenticationToken request
                && request.getPrincipal() instanceof OAuth2ClientAuthenticationToken client
                && client.getRegisteredClient() != null
                && limits.take(tokens(client.getRegisteredClient().getId()), clock.instant()).isPresent()) {
            throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST,
                    "Too many tokens asked for by this client: reuse a token until it expires", null));
        }
        return spring.authenticate(authentication);
    }
}

package dev.gatehouse.oidc;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The OpenID Connect provider's settings (docs/configuration.md, "OpenID Connect").
 *
 * @param issuer                    the issuer URL put in tokens and the discovery document; null (the default) takes it
 *                                  from each request's scheme, host and port, which is right behind a proxy only when
 *                                  the proxy's forwarded headers are trusted. Set it in production.
 * @param accessTokenLifetime       how long an access token (a signed JWT) is accepted; default 10 minutes
 * @param idTokenLifetime           how long an ID token is valid; default 10 minutes
 * @param refreshTokenLifetime      how long a refresh token may lie unused: each use replaces it with a new one that
 *                                  lasts this long again (rotation); default 8 hours
 * @param authorizationCodeLifetime how long an authorization code may wait to be exchanged; default 1 minute
 * @param freshFactor               how recent a second factor must be to count as "proved now"
 *                                  ({@link Acr#MFA_NOW}); default 5 minutes
 * @param refreshTokenReuseInterval how long after a refresh the refresh token it replaced, used again, is only
 *                                  refused rather than ending its authorization ({@link SpentRefreshTokens}): for
 *                                  applications that refresh in two places at once; default none (0)
 */
@ConfigurationProperties("gatehouse.oidc")
public record OidcProperties(String issuer,
                             @DefaultValue("10m") Duration accessTokenLifetime,
                             @DefaultValue("10m") Duration idTokenLifetime,
                             @DefaultValue("8h") Duration refreshTokenLifetime,
                             @DefaultValue("1m") Duration authorizationCodeLifetime,
                             @DefaultValue("5m") Duration freshFactor,
                             @DefaultValue("0s") Duration refreshTokenReuseInterval) {

    public OidcProperties {
        positive(accessTokenLifetime, "access-token-lifetime");
        positive(idTokenLifetime, "id-token-lifetime");
        positive(refreshTokenLifetime, "refresh-token-lifetime");
        positive(authorizationCodeLifetime, "authorization-code-lifetime");
        positive(freshFactor, "fresh-factor");
        if (refreshTokenReuseInterval == null || refreshTokenReuseInterval.isNegative()
                || refreshTokenReuseInterval.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException(
                    "gatehouse.oidc.refresh-token-reuse-interval must be between 0 and 1 minute");
        }
        if (issuer != null && issuer.isBlank()) {
            issuer = null;
        }
    }

    /**
     * How long a retired signing key stays published: until every token it signed has expired, with 5 minutes for
     * clocks that differ.
     */
    public Duration retiredKeyKept() {
        return (accessTokenLifetime.compareTo(idTokenLifetime) > 0 ? accessTokenLifetime : idTokenLifetime)
                .plusMinutes(5);
    }

    private static void positive(Duration value, String name) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("gatehouse.oidc." + name + " must be a positive duration");
        }
    }
}

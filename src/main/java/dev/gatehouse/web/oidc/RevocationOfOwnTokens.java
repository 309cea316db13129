package dev.gatehouse.web.oidc;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenRevocationAuthenticationToken;

/**
 * The revocation endpoint answers another client's token as it answers a token that does not exist: 200, nothing
 * revoked (RFC 7009 allows either). Spring's provider refuses it with {@code invalid_client} instead, which told any
 * client whether a stolen token is still on record: what {@link IntrospectionOfOwnTokens} keeps to its owners.
 */
final class RevocationOfOwnTokens extends InFrontOfSpring {

    private final OAuth2AuthorizationService authorizations;

    RevocationOfOwnTokens(AuthenticationProvider spring, OAuth2AuthorizationService authorizations) {
        super(spring);
        this.authorizations = authorizations;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        if (authentication instanceof OAuth2TokenRevocationAuthenticationToken revocation
                && revocation.getPrincipal() instanceof OAuth2ClientAuthenticationToken client
                && client.isAuthenticated() && client.getRegisteredClient() != null) {
            OAuth2Authorization authorization = authorizations.findByToken(revocation.getToken(), null);
            if (authorization != null
                    && !authorization.getRegisteredClientId().equals(client.getRegisteredClient().getId())) {
                return revocation;
            }
        }
        return spring.authenticate(authentication);
    }
}

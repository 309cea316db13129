package dev.gatehouse.web.oidc;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenRevocationAuthenticationToken;

import dev.gatehouse.oidc.AuthorizationUses;

/**
 * The revocation endpoint answers another client's token as it answers a token that does not exist: 200, nothing
 * revoked (RFC 7009 allows either). Spring's provider refuses it with {@code invalid_client} instead, which told any
 * client whether a stolen token is still on record: what {@link IntrospectionOfOwnTokens} keeps to its owners.
 * A client's own token is revoked with its authorization's row held ({@link AuthorizationUses#ofAuthorization}), so
 * that the revocation cannot bring back an authorization that something ended meanwhile.
 */
final class RevocationOfOwnTokens extends InFrontOfSpring {

    private final OAuth2AuthorizationService authorizations;
    private final AuthorizationUses uses;

    RevocationOfOwnTokens(AuthenticationProvider spring, OAuth2AuthorizationService authorizations,
                          AuthorizationUses uses) {
        super(spring);
        this.authorizations = authorizations;
        this.uses = uses;
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
            if (authorization != null) {
                return uses.ofAuthorization(authorization.getId(), () -> spring.authenticate(authentication));
            }
        }
        return spring.authenticate(authentication);
    }
}

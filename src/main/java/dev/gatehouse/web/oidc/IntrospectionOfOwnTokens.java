package dev.gatehouse.web.oidc;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenIntrospection;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenIntrospectionAuthenticationToken;

import dev.gatehouse.oidc.AccountClients;
import dev.gatehouse.signin.Sessions;

/**
 * The introspection endpoint answers a client about its own tokens and those of its account's other clients
 * ({@link AccountClients#sameAccount}); about any other token it says only {@code "active": false}, as for a token
 * that does not exist. Spring's provider answers every authenticated client about every token, so any account's
 * client could learn whether another account's stolen token still works, whose it is and until when. Revocation
 * keeps the same secret ({@link RevocationOfOwnTokens}). A token of a sign-in that has ended since (the user's
 * sessions all ended after it began: {@link WithinTheSignIn}) is not active either, and its authorization goes; the
 * same token was refused at UserInfo while introspection called it active (found by an outside attack in stop 31).
 */
final class IntrospectionOfOwnTokens extends InFrontOfSpring {

    private final AccountClients accountClients;
    private final OAuth2AuthorizationService authorizations;
    private final Sessions sessions;

    IntrospectionOfOwnTokens(AuthenticationProvider spring, AccountClients accountClients,
                             OAuth2AuthorizationService authorizations, Sessions sessions) {
        super(spring);
        this.accountClients = accountClients;
        this.authorizations = authorizations;
        this.sessions = sessions;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        Authentication answered = spring.authenticate(authentication);
        if (!(answered instanceof OAuth2TokenIntrospectionAuthenticationToken introspection)
                || !introspection.getTokenClaims().isActive()) {
            return answered;
        }
        String owner = introspection.getTokenClaims().getClientId();
        if (introspection.getPrincipal() instanceof OAuth2ClientAuthenticationToken asking
                && asking.getRegisteredClient() != null && owner != null
                && accountClients.sameAccount(asking.getRegisteredClient().getClientId(), owner)) {
            OAuth2Authorization authorization = authorizations.findByToken(introspection.getToken(), null);
            if (authorization == null || !WithinTheSignIn.signInEnded(authorization, sessions)) {
                return answered;
            }
            authorizations.remove(authorization);
        }
        return new OAuth2TokenIntrospectionAuthenticationToken(introspection.getToken(),
                (Authentication) introspection.getPrincipal(), OAuth2TokenIntrospection.builder().build());
    }
}

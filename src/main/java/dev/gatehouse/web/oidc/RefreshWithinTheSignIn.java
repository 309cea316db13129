package dev.gatehouse.web.oidc;

import java.security.Principal;
import java.time.Clock;
import java.time.Duration;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2RefreshTokenAuthenticationToken;

import dev.gatehouse.oidc.AccountClients;
import dev.gatehouse.oidc.OidcPrincipal;

/**
 * An application's tokens last no longer than the sign-in they came from could: refresh tokens rotate (each use gives a
 * new one for another full lifetime), so without a bound an application that keeps refreshing would hold a user's
 * access for ever. Past the session's absolute lifetime from the user's password ({@code auth_time}), the same bound
 * as the browser session's, a refresh is refused ({@code invalid_grant}) and the authorization deleted; the
 * application sends the user through the authorization endpoint again, where they sign in anew. So is a refresh for a
 * user who has left the account that registered the application (it serves that account's members only).
 */
final class RefreshWithinTheSignIn extends InFrontOfSpring {

    private final OAuth2AuthorizationService authorizations;
    private final AccountClients accountClients;
    private final Duration absoluteLifetime;
    private final Clock clock;

    RefreshWithinTheSignIn(AuthenticationProvider spring, OAuth2AuthorizationService authorizations,
                           AccountClients accountClients, Duration absoluteLifetime, Clock clock) {
        super(spring);
        this.authorizations = authorizations;
        this.accountClients = accountClients;
        this.absoluteLifetime = absoluteLifetime;
        this.clock = clock;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        if (authentication instanceof OAuth2RefreshTokenAuthenticationToken refresh) {
            OAuth2Authorization authorization = authorizations.findByToken(refresh.getRefreshToken(),
                    OAuth2TokenType.REFRESH_TOKEN);
            // Every refresh token comes from a grant SignInForAuthorization made to an OidcPrincipal: a token
            // without one has no sign-in to be bounded by, and is refused as one past it.
            if (authorization != null
                    && !(authorization.getAttribute(Principal.class.getName()) instanceof Authentication signedIn
                            && signedIn.getPrincipal() instanceof OidcPrincipal user
                            && clock.instant().isBefore(user.authTime().plus(absoluteLifetime))
                            && accountClients.servesUser(authorization.getRegisteredClientId(), user.userId()))) {
                authorizations.remove(authorization);
                throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT,
                        "The sign-in these tokens came from is over; sign in again.", null));
            }
        }
        return spring.authenticate(authentication);
    }
}

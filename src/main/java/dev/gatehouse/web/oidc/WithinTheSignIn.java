package dev.gatehouse.web.oidc;

import java.time.Clock;
import java.time.Duration;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AbstractOAuth2Token;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2RefreshTokenAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcUserInfoAuthenticationToken;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import dev.gatehouse.oidc.AccountClients;
import dev.gatehouse.oidc.AuthorizationUses;
import dev.gatehouse.oidc.EarlierIdTokens;
import dev.gatehouse.oidc.OidcPrincipal;
import dev.gatehouse.oidc.SignInChecks;
import dev.gatehouse.oidc.SpentRefreshTokens;
import dev.gatehouse.signin.Sessions;
import dev.gatehouse.signin.TwoFactorRequirement;
import dev.gatehouse.system.ClientInfo;

/**
 * An application's tokens last no longer than the sign-in they came from could, asked in front of Spring's provider
 * of each use of an authorization: a code exchanged, a refresh token used, an access token read at UserInfo.
 *
 * <ul>
 * <li>Every use: refused once the user's sessions were all ended after the sign-in began (sign out everywhere, a
 * password change or reset, a method added or removed; {@link Sessions#stillCurrent}), or once the session it was
 * granted in was ended on its own (Sessions &gt; Sign out, an administrator through the API). Those changes delete
 * the user's authorizations (or the sign-in's) themselves, but a stolen session's authorization request that ran at
 * the same moment made one the deletion did not see (found by an outside attack in stop 31: codes issued during a password change
 * were exchanged after it, and their refresh tokens kept working).</li>
 * <li>A refresh, also: past the session's absolute lifetime from the user's password ({@code auth_time}), the same
 * bound as the browser session's (refresh tokens rotate, so without a bound an application that keeps refreshing
 * would hold a user's access for ever); and for a user who has left the account that registered the application (it
 * serves that account's members only). A refresh token without a sign-in (no {@link OidcPrincipal}) is refused as
 * one past it: every refresh token comes from a grant {@code SignInForAuthorization} made; and for a user an account's
 * rule now holds at "set up a method", as the authorization endpoint would.</li>
 * <li>A code exchanged and a refresh token used run one at a time ({@link AuthorizationUses}).</li>
 * <li>A refresh that replaced the ID token keeps the replaced one's hash ({@link EarlierIdTokens}), for the
 * application's sign-out.</li>
 * <li>A refresh keeps the hash of the refresh token it replaced, and a replaced refresh token used again by its
 * application ends the whole authorization ({@link SpentRefreshTokens}: a copy of it is in other hands).</li>
 * </ul>
 * A refused use deletes the authorization and answers {@code invalid_grant} ({@code invalid_token} at UserInfo): the
 * application sends the user through the authorization endpoint again, where they sign in anew.
 */
final class WithinTheSignIn extends InFrontOfSpring {

    private static final OAuth2TokenType CODE = new OAuth2TokenType(OAuth2ParameterNames.CODE);

    private final OAuth2AuthorizationService authorizations;
    private final AccountClients accountClients;
    private final Sessions sessions;
    private final Duration absoluteLifetime;
    private final Clock clock;
    private final TwoFactorRequirement requirement;
    private final AuthorizationUses uses;
    private final EarlierIdTokens earlierIdTokens;
    private final SpentRefreshTokens spentRefreshTokens;
    private final SignInChecks checks;

    WithinTheSignIn(AuthenticationProvider spring, OAuth2AuthorizationService authorizations,
                    AccountClients accountClients, Sessions sessions, Duration absoluteLifetime, Clock clock,
                    TwoFactorRequirement requirement, AuthorizationUses uses, EarlierIdTokens earlierIdTokens,
                    SpentRefreshTokens spentRefreshTokens, SignInChecks checks) {
        super(spring);
        this.checks = checks;
        this.earlierIdTokens = earlierIdTokens;
        this.spentRefreshTokens = spentRefreshTokens;
        this.requirement = requirement;
        this.uses = uses;
        this.authorizations = authorizations;
        this.accountClients = accountClients;
        this.sessions = sessions;
        this.absoluteLifetime = absoluteLifetime;
        this.clock = clock;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        if (authentication instanceof OAuth2RefreshTokenAuthenticationToken refresh) {
            return uses.ofRefreshToken(refresh.getRefreshToken(), () -> {
                OAuth2Authorization authorization = authorizations.findByToken(refresh.getRefreshToken(),
                        OAuth2TokenType.REFRESH_TOKEN);
                if (authorization == null && refresh.getPrincipal() instanceof OAuth2ClientAuthenticationToken caller
                        && caller.isAuthenticated() && caller.getRegisteredClient() != null
                        && spentRefreshTokens.endIfSpent(refresh.getRefreshToken(),
                                caller.getRegisteredClient().getId(), requester())) {
                    throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT,
                            "This refresh token was used before, so a copy of it may exist: every token of this"
                                    + " authorization was ended; sign the user in again.", null));
                }
                if (authorization != null && !(principal(authorization) instanceof OidcPrincipal user
                        && current(user)
                        && clock.instant().isBefore(user.authTime().plus(absoluteLifetime))
                        && accountClients.servesUser(authorization.getRegisteredClientId(), user.userId())
                        && !heldAtSetUp(user))) {
                    throw refused(authorization, OAuth2ErrorCodes.INVALID_GRANT);
                }
                java.util.UUID refresher = authorization != null
                        && principal(authorization) instanceof OidcPrincipal user ? user.userId() : null;
                if (refresher != null && checks.refreshesSpent(refresher).isPresent()) {
                    // Each refresh keeps the hashes of what it replaced (SignInChecks#refreshes): past the user's
                    // budget, refused, nothing ended (the same token works again once the window has room).
                    throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST,
                            "Too many refreshes for this user: try again in a few minutes", null));
                }
                Authentication refreshed = spring.authenticate(authentication);
                if (refresher != null) {
                    checks.refreshed(refresher);
                }
                if (authorization != null && refreshed instanceof OAuth2AccessTokenAuthenticationToken tokens) {
                    if (tokens.getRefreshToken() != null) {
                        spentRefreshTokens.keep(authorization.getId(), refresh.getRefreshToken(),
                                tokens.getRefreshToken().getTokenValue());
                    }
                    if (tokens.getAdditionalParameters().get(OidcParameterNames.ID_TOKEN) instanceof String idToken) {
                        earlierIdTokens.keep(authorization, idToken);
                    }
                }
                return refreshed;
            });
        } else if (authentication instanceof OAuth2AuthorizationCodeAuthenticationToken code) {
            return uses.ofCode(code.getCode(), () -> {
                OAuth2Authorization authorization = authorizations.findByToken(code.getCode(), CODE);
                if (authorization != null && principal(authorization) instanceof OidcPrincipal user
                        && !current(user)) {
                    throw refused(authorization, OAuth2ErrorCodes.INVALID_GRANT);
                }
                return spring.authenticate(authentication);
            });
        } else if (authentication instanceof OidcUserInfoAuthenticationToken userInfo
                && userInfo.getPrincipal() instanceof Authentication bearer
                && bearer.getCredentials() instanceof AbstractOAuth2Token accessToken) {
            OAuth2Authorization authorization = authorizations.findByToken(accessToken.getTokenValue(),
                    OAuth2TokenType.ACCESS_TOKEN);
            if (authorization != null && principal(authorization) instanceof OidcPrincipal user && !current(user)) {
                throw refused(authorization, OAuth2ErrorCodes.INVALID_TOKEN);
            }
        }
        return spring.authenticate(authentication);
    }

    /** Who sent the token request being answered: its network and user agent. */
    private static ClientInfo requester() {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes request
                ? ClientInfo.of(request.getRequest()) : ClientInfo.SYSTEM;
    }

    /** The authorization's sign-in ({@link OidcPrincipal#of}), or null for one of a client alone. */
    private static Object principal(OAuth2Authorization authorization) {
        return OidcPrincipal.of(authorization).orElse(null);
    }

    /**
     * Whether an account's rule now holds the user at "set up a method" with no grace left: their browser is sent to
     * the Security page and the authorization endpoint gives no code, so a refresh gives no tokens either (found by an
     * outside attack in stop 32: an application refreshed for hours after the rule was turned on). During the grace
     * period a browser may postpone the set-up, and a refresh goes on as well.
     */
    private boolean heldAtSetUp(OidcPrincipal user) {
        TwoFactorRequirement.Status status = requirement.status(user.userId());
        return status.unmet() && status.skipUntil() == null;
    }

    private boolean current(OidcPrincipal user) {
        return current(user, sessions);
    }

    private static boolean current(OidcPrincipal user, Sessions sessions) {
        return sessions.stillCurrent(user.userId(), user.sessionsGeneration(), user.signIn());
    }

    /**
     * Whether the authorization comes from a user's sign-in that has ended since (all the user's sessions ended after
     * it began); false for one of a client alone (client credentials).
     */
    static boolean signInEnded(OAuth2Authorization authorization, Sessions sessions) {
        return principal(authorization) instanceof OidcPrincipal user && !current(user, sessions);
    }

    private OAuth2AuthenticationException refused(OAuth2Authorization authorization, String error) {
        authorizations.remove(authorization);
        return new OAuth2AuthenticationException(new OAuth2Error(error,
                "The sign-in these tokens came from is over; sign in again.", null));
    }
}

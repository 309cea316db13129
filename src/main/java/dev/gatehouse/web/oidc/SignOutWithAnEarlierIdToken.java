package dev.gatehouse.web.oidc;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcLogoutAuthenticationToken;

import dev.gatehouse.oidc.EarlierIdTokens;

/**
 * An application's sign-out ({@code /connect/logout}) with an ID token its sign-in gave before a refresh replaced it
 * is taken as with the current one: Spring's endpoint knows only the current one and refused the earlier with a 400,
 * leaving the user signed in to Gatehouse. Only after Spring refused the hint as one it holds no authorization for
 * (any other refusal stands as it is), and only for a hint that {@link EarlierIdTokens} finds among the replaced ID
 * tokens of an authorization its subject still holds; Spring then checks the request again, in full, on the current
 * ID token.
 */
final class SignOutWithAnEarlierIdToken extends InFrontOfSpring {

    private final EarlierIdTokens earlierIdTokens;

    SignOutWithAnEarlierIdToken(AuthenticationProvider spring, EarlierIdTokens earlierIdTokens) {
        super(spring);
        this.earlierIdTokens = earlierIdTokens;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        try {
            return spring.authenticate(authentication);
        } catch (OAuth2AuthenticationException refused) {
            OidcLogoutAuthenticationToken logout = (OidcLogoutAuthenticationToken) authentication;
            if (!hintUnknown(refused)) {
                throw refused; // refused for another reason (the application, its address): the current token's too
            }
            String current = earlierIdTokens.currentFor(logout.getIdTokenHint());
            if (current == null) {
                throw refused;
            }
            return spring.authenticate(new OidcLogoutAuthenticationToken(current,
                    (Authentication) logout.getPrincipal(), logout.getSessionId(), logout.getClientId(),
                    logout.getPostLogoutRedirectUri(), logout.getState()));
        }
    }

    /** Spring's refusal of a hint it holds no authorization for ({@code invalid_token} on {@code id_token_hint}). */
    private static boolean hintUnknown(OAuth2AuthenticationException refused) {
        return OAuth2ErrorCodes.INVALID_TOKEN.equals(refused.getError().getErrorCode())
                && refused.getError().getDescription() != null
                && refused.getError().getDescription().endsWith("id_token_hint");
    }
}

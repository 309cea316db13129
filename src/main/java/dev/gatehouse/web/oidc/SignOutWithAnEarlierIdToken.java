package dev.gatehouse.web.oidc;

import java.util.Optional;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.oidc.IdTokenClaimNames;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcLogoutAuthenticationToken;

import dev.gatehouse.oidc.EarlierIdTokens;
import dev.gatehouse.oidc.IdTokenHints;
import dev.gatehouse.signin.SignedInUser;

/**
 * An application's sign-out ({@code /connect/logout}) with an ID token its sign-in gave before a refresh replaced it
 * is taken as with the current one: Spring's endpoint knows only the current one and refused the earlier with a 400,
 * leaving the user signed in to Gatehouse. Only after Spring refused the hint as one it holds no authorization for
 * (any other refusal stands as it is), and only for a hint that {@link EarlierIdTokens} finds among the replaced ID
 * tokens of an authorization its subject still holds; Spring then checks the request again, in full, on the current
 * ID token. A hint no authorization holds any more is taken as {@link #ofAnEndedSignIn} says.
 */
final class SignOutWithAnEarlierIdToken extends InFrontOfSpring {

    private final EarlierIdTokens earlierIdTokens;
    private final IdTokenHints hints;
    private final RegisteredClientRepository clients;

    SignOutWithAnEarlierIdToken(AuthenticationProvider spring, EarlierIdTokens earlierIdTokens, IdTokenHints hints,
                                RegisteredClientRepository clients) {
        super(spring);
        this.earlierIdTokens = earlierIdTokens;
        this.hints = hints;
        this.clients = clients;
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
                return ofAnEndedSignIn(logout).orElseThrow(() -> refused);
            }
            return spring.authenticate(new OidcLogoutAuthenticationToken(current,
                    (Authentication) logout.getPrincipal(), logout.getSessionId(), logout.getClientId(),
                    logout.getPostLogoutRedirectUri(), logout.getState()));
        }
    }

    /**
     * An ID token this server issued whose authorization is gone. When its sign-in ended (signed out, in this browser
     * or another, a password change, "Sign out everywhere"), the application's sign-out goes back to the application's
     * registered page with its {@code state}, and ends nothing ({@link OfAnEndedSignIn}): the sign-in the token
     * came from is over, and a later sign-in in this browser is not the application's to end with it. When this
     * browser is still in the token's sign-in (the same user, signed in at the token's {@code auth_time}), it is
     * signed out as with a held token. Since stop 36 every sign-out ends the sign-in's authorizations, so an
     * application signing out after another one, or after the page's "Sign out", sent an ID token no longer held and
     * got a bare 400 instead of its page (found by the outside attack of stop 36). Checked as Spring checks a held one: the application named
     * ({@code client_id}, when given) is the one the token was issued to, the page, when given, is one it
     * registered, and a browser signed in as someone else is refused.
     */
    private Optional<Authentication> ofAnEndedSignIn(OidcLogoutAuthenticationToken logout) {
        Optional<OidcIdToken> idToken = hints.idToken(logout.getIdTokenHint());
        if (idToken.isEmpty()) {
            return Optional.empty();
        }
        String issuedTo = idToken.get().getClaimAsString(IdTokenClaimNames.AZP);
        if (logout.getClientId() != null && !logout.getClientId().equals(issuedTo)
                || idToken.get().getAudience() == null || !idToken.get().getAudience().contains(issuedTo)) {
            return Optional.empty();
        }
        RegisteredClient client = clients.findByClientId(issuedTo);
        if (client == null || logout.getPostLogoutRedirectUri() != null
                && !client.getPostLogoutRedirectUris().contains(logout.getPostLogoutRedirectUri())) {
            return Optional.empty();
        }
        SignedInUser signedIn = signedIn(logout);
        if (signedIn != null && !signedIn.userId().toString().equals(idToken.get().getSubject())) {
            return Optional.empty();
        }
        if (signedIn != null && idToken.get().getAuthenticatedAt() != null
                && signedIn.signedInAt().getEpochSecond() == idToken.get().getAuthenticatedAt().getEpochSecond()) {
            // Not ended: this browser's sign-in is the token's (its password time), and only the authorization went
            // (a refresh token used twice, a new application secret, the member left the account). Signed out as
            // with a held token; redirecting alone left the browser signed in (found by the re-attack of stop 36).
            return Optional.of(new OidcLogoutAuthenticationToken(idToken.get(), (Authentication) logout.getPrincipal(),
                    null, issuedTo, logout.getPostLogoutRedirectUri(), logout.getState()));
        }
        return Optional.of(new OfAnEndedSignIn(idToken.get(), (Authentication) logout.getPrincipal(), issuedTo,
                logout.getPostLogoutRedirectUri(), logout.getState()));
    }

    /** The user the browser sending an application's sign-out is signed in as; null when it is not. */
    static SignedInUser signedIn(OidcLogoutAuthenticationToken logout) {
        return logout.isPrincipalAuthenticated() && logout.getPrincipal() instanceof Authentication current
                && current.getPrincipal() instanceof SignedInUser user ? user : null;
    }

    /** An application's sign-out with the ID token of a sign-in that already ended: nothing is left to end. */
    static final class OfAnEndedSignIn extends OidcLogoutAuthenticationToken {

        OfAnEndedSignIn(OidcIdToken idToken, Authentication principal, String clientId, String postLogoutRedirectUri,
                        String state) {
            super(idToken, principal, null, clientId, postLogoutRedirectUri, state);
        }
    }

    /** Spring's refusal of a hint it holds no authorization for ({@code invalid_token} on {@code id_token_hint}). */
    private static boolean hintUnknown(OAuth2AuthenticationException refused) {
        return OAuth2ErrorCodes.INVALID_TOKEN.equals(refused.getError().getErrorCode())
                && refused.getError().getDescription() != null
                && refused.getError().getDescription().endsWith("id_token_hint");
    }
}

package dev.gatehouse.oidc;

import java.time.Instant;
import java.util.Set;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.core.oidc.OidcUserInfo;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcUserInfoAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.stereotype.Component;

import dev.gatehouse.user.UserService;

/**
 * The claims Gatehouse adds to the tokens of a user's authorization: in the ID token {@code auth_time}, {@code amr}
 * and {@code acr} from the {@link OidcPrincipal} taken when the request was granted (so an ID token issued on refresh
 * tells the same sign-in), and by scope {@code email}/{@code email_verified} and {@code name} as the user's are
 * now; its lifetime is {@code gatehouse.oidc.id-token-lifetime}. Tokens of a machine client (client credentials) carry no user claims; the
 * access token of a service registered for an account ({@link AccountClients}) names that account
 * ({@link ApiScopes#ACCOUNT_CLAIM}) and the secret it was obtained with ({@link ApiScopes#SECRET_CLAIM}), which is
 * what the REST API accepts.
 */
@Component
public class TokenClaims implements OAuth2TokenCustomizer<JwtEncodingContext> {

    private final OidcProperties properties;
    private final AccountClients accountClients;
    private final UserService users;
    private final java.time.Clock clock;

    TokenClaims(OidcProperties properties, AccountClients accountClients, UserService users, java.time.Clock clock) {
        this.users = users;
        this.clock = clock;
        this.properties = properties;
        this.accountClients = accountClients;
    }

    /**
     * UserInfo's answer: {@code sub}, and by the access token's scopes the user's email and name as they are now (the
     * same as a new ID token's). Spring's default answers the claims of the ID token issued last, which after an
     * email change still called the address the user had left verified (found by an outside attack in stop 31).
     */
    public OidcUserInfo userInfo(OidcUserInfoAuthenticationContext context) {
        String subject = context.getAuthorization().getPrincipalName();
        java.util.Map<String, Object> claims = new java.util.LinkedHashMap<>();
        claims.put("sub", subject);
        try {
            claims.putAll(userClaims(java.util.UUID.fromString(subject), context.getAccessToken().getScopes()));
        } catch (IllegalArgumentException notAUser) {
            // a subject that is no user id has no user claims
        }
        return new OidcUserInfo(claims);
    }

    /**
     * The user's claims by scope as they are now: {@code email} and {@code email_verified} (every Gatehouse user
     * proved their address before their account existed: sign-up or invitation), {@code name}. Empty for a user who
     * is gone. The same in an ID token and at UserInfo.
     */
    private java.util.Map<String, Object> userClaims(java.util.UUID userId, Set<String> scopes) {
        java.util.Map<String, Object> claims = new java.util.LinkedHashMap<>();
        users.findById(userId).ifPresent(user -> {
            if (scopes.contains(OidcScopes.EMAIL)) {
                claims.put("email", user.email());
                claims.put("email_verified", true);
            }
            if (scopes.contains(OidcScopes.PROFILE)) {
                claims.put("name", user.displayName());
            }
        });
        return claims;
    }

    @Override
    public void customize(JwtEncodingContext context) {
        if (AuthorizationGrantType.CLIENT_CREDENTIALS.equals(context.getAuthorizationGrantType())) {
            if (OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
                accountClients.accountOfStored(context.getRegisteredClient().getId()).ifPresent(account -> context
                        .getClaims().claim(ApiScopes.ACCOUNT_CLAIM, account.toString())
                        .claim(ApiScopes.SECRET_CLAIM,
                                AccountClients.secretVersion(context.getRegisteredClient().getClientSecret())));
            }
            return;
        }
        Authentication principal = context.getPrincipal();
        if (principal == null || !(principal.getPrincipal() instanceof OidcPrincipal user)) {
            return;
        }
        if (!OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())) {
            // An access token says the level the sign-in still holds when the token is made, with the sign-in's time
            // (RFC 9068 section 2.2.1): one made on refresh an hour later no longer says mfa-now, the level of a
            // factor proved in the last minutes, which a resource server would otherwise take as a fresh step-up
            // (found by an outside attack in stop 32: mfa-now for hours, and no auth_time to tell).
            Acr granted = Acr.of(user.acr()).orElse(Acr.PASSWORD);
            Acr now = Acr.reached(user.secondFactorAt(), user.amrValues(), clock.instant(), properties.freshFactor());
            context.getClaims().claim("acr", (now.below(granted) ? now : granted).value());
            context.getClaims().claim("auth_time", java.util.Date.from(user.authTime()));
            return;
        }
        Set<String> scopes = context.getAuthorizedScopes();
        // The user's address and name as they are now, not as the grant found them: an ID token issued on refresh
        // after an email change still named the address the user had left, as verified, which is free for anyone to
        // take (found by an outside attack in stop 31). The sign-in's own facts (auth_time, amr, acr) stay the grant's.
        java.util.Map<String, Object> now = userClaims(user.userId(), scopes);
        context.getClaims().claims(claims -> {
            claims.put("auth_time", java.util.Date.from(user.authTime()));
            // A mutable list: the claims are stored with the authorization as JSON, which reads back only plain types.
            claims.put("amr", new java.util.ArrayList<>(user.amrValues()));
            claims.put("acr", user.acr());
            claims.putAll(now);
            if (claims.get("iat") instanceof Instant issuedAt) {
                claims.put("exp", issuedAt.plus(properties.idTokenLifetime()));
            }
        });
    }
}

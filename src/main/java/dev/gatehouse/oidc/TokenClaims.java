package dev.gatehouse.oidc;

import java.time.Instant;
import java.util.Set;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.stereotype.Component;

/**
 * The claims Gatehouse adds to the tokens of a user's authorization, all from the {@link OidcPrincipal} taken when
 * the request was granted (so an ID token issued on refresh tells the same sign-in): in the ID token {@code auth_time},
 * {@code amr}, {@code acr}, and by scope {@code email}/{@code email_verified} and {@code name}; its lifetime is
 * {@code gatehouse.oidc.id-token-lifetime}. Tokens of a machine client (client credentials) carry no user claims; the
 * access token of a service registered for an account ({@link AccountClients}) names that account
 * ({@link ApiScopes#ACCOUNT_CLAIM}), which is what the REST API accepts.
 */
@Component
class TokenClaims implements OAuth2TokenCustomizer<JwtEncodingContext> {

    private final OidcProperties properties;
    private final AccountClients accountClients;

    TokenClaims(OidcProperties properties, AccountClients accountClients) {
        this.properties = properties;
        this.accountClients = accountClients;
    }

    @Override
    public void customize(JwtEncodingContext context) {
        if (AuthorizationGrantType.CLIENT_CREDENTIALS.equals(context.getAuthorizationGrantType())) {
            if (OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
                accountClients.accountOfStored(context.getRegisteredClient().getId()).ifPresent(account ->
                        context.getClaims().claim(ApiScopes.ACCOUNT_CLAIM, account.toString()));
            }
            return;
        }
        Authentication principal = context.getPrincipal();
        if (principal == null || !(principal.getPrincipal() instanceof OidcPrincipal user)) {
            return;
        }
        if (!OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())) {
            context.getClaims().claim("acr", user.acr());
            return;
        }
        Set<String> scopes = context.getAuthorizedScopes();
        context.getClaims().claims(claims -> {
            claims.put("auth_time", java.util.Date.from(user.authTime()));
            // A mutable list: the claims are stored with the authorization as JSON, which reads back only plain types.
            claims.put("amr", new java.util.ArrayList<>(user.amrValues()));
            claims.put("acr", user.acr());
            if (scopes.contains(OidcScopes.EMAIL) && user.email() != null) {
                claims.put("email", user.email());
                // Every Gatehouse user proved their address before their account existed (sign-up or invitation).
                claims.put("email_verified", true);
            }
            if (scopes.contains(OidcScopes.PROFILE) && user.displayName() != null) {
                claims.put("name", user.displayName());
            }
            if (claims.get("iat") instanceof Instant issuedAt) {
                claims.put("exp", issuedAt.plus(properties.idTokenLifetime()));
            }
        });
    }
}

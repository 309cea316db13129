package dev.gatehouse.testsupport;

import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.UUID;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

import dev.gatehouse.oidc.Acr;
import dev.gatehouse.oidc.OidcClients;
import dev.gatehouse.oidc.OidcPrincipal;

/** An application with a secret and one stored authorization of a user's sign-in, as the token endpoint leaves one. */
public final class TestAuthorizations {

    /**
     * @param client        the application, stored
     * @param authorization the authorization, stored, with an access token and a refresh token
     * @param userId        the signed-in user it names (not a stored user)
     */
    public record Stored(RegisteredClient client, OAuth2Authorization authorization, UUID userId) {

        public String accessToken() {
            return authorization.getAccessToken().getToken().getTokenValue();
        }

        public String refreshToken() {
            return authorization.getRefreshToken().getToken().getTokenValue();
        }

        /** The sign-in it names, as stored in its principal attribute. */
        public OidcPrincipal principal() {
            return OidcPrincipal.of(authorization).orElseThrow();
        }
    }

    private TestAuthorizations() {
    }

    public static Stored store(OidcClients clients, OAuth2AuthorizationService authorizations) {
        return store(clients, authorizations, 0L);
    }

    /** {@link #store}, its sign-in made under the user's sessions generation {@code sessionsGeneration}. */
    public static Stored store(OidcClients clients, OAuth2AuthorizationService authorizations,
                               long sessionsGeneration) {
        RegisteredClient client = clients.client("stored-" + UUID.randomUUID(), "{noop}secret-" + UUID.randomUUID())
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
                .redirectUri("https://app.example/callback").scope("openid").build();
        clients.save(client);
        // The system clock, as Spring Authorization Server writes tokens' times.
        Instant now = Clock.systemUTC().instant().truncatedTo(ChronoUnit.SECONDS);
        UUID userId = UUID.randomUUID();
        OidcPrincipal principal = new OidcPrincipal(userId, "ada@example.com", "Ada", now.minusSeconds(60), now,
                "pwd otp mfa", Acr.MFA_NOW.value(), sessionsGeneration, "browser-key", "sign-in-hash");
        OAuth2Authorization authorization = OAuth2Authorization.withRegisteredClient(client)
                .id(UUID.randomUUID().toString()).principalName(principal.getName())
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE).authorizedScopes(Set.of("openid"))
                .attribute(Principal.class.getName(), UsernamePasswordAuthenticationToken.authenticated(principal,
                        null, AuthorityUtils.createAuthorityList("ROLE_USER")))
                .token(new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "access-" + UUID.randomUUID(), now,
                        now.plusSeconds(600), Set.of("openid")))
                .refreshToken(new OAuth2RefreshToken("refresh-" + UUID.randomUUID(), now,
                        now.plus(Duration.ofHours(8))))
                .build();
        authorizations.save(authorization);
        return new Stored(client, authorization, userId);
    }
}

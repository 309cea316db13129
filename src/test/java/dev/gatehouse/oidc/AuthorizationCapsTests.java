package dev.gatehouse.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/**
 * A user's authorizations that no application exchanged yet are kept to the newest {@value AuthorizationCaps#KEPT}
 * (H2 and PostgreSQL), through the server's own store: each authorization request stored a row, and nothing limited
 * them. The exchanged ones, and other users' rows, are never touched.
 */
abstract class AuthorizationCapsTests {

    @Autowired
    OidcClients clients;

    @Autowired
    OAuth2AuthorizationService authorizations;

    @Autowired
    JdbcClient jdbc;

    // The system clock, as Spring Authorization Server writes tokens' times.
    private final Instant now = Clock.systemUTC().instant().truncatedTo(ChronoUnit.SECONDS);

    private RegisteredClient client() {
        RegisteredClient client = clients.client("limit-" + UUID.randomUUID(), "{noop}secret-" + UUID.randomUUID())
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri("https://app.example/callback").scope("openid").build();
        clients.save(client);
        return client;
    }

    /** An authorization of {@code user} whose code was issued {@code second} seconds from now; exchanged or not. */
    private String save(RegisteredClient client, String user, int second, boolean exchanged) {
        Instant issued = now.plusSeconds(second);
        OAuth2Authorization.Builder authorization = OAuth2Authorization.withRegisteredClient(client)
                .id(UUID.randomUUID().toString()).principalName(user)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE).authorizedScopes(Set.of("openid"))
                .token(new OAuth2AuthorizationCode("code-" + UUID.randomUUID(), issued, issued.plusSeconds(300)));
        if (exchanged) {
            authorization.token(new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER,
                    "access-" + UUID.randomUUID(), issued, issued.plusSeconds(600), Set.of("openid")));
        }
        OAuth2Authorization built = authorization.build();
        authorizations.save(built);
        return built.getId();
    }

    private List<String> rowsOf(String user) {
        return jdbc.sql("select id from oauth2_authorization where principal_name = ?").param(user)
                .query(String.class).list();
    }

    @Test
    void saveWhenAUserHasMoreUnexchangedCodesThanKeptThenTheOldestGoAndNothingElse() {
        RegisteredClient client = client();
        String ada = UUID.randomUUID().toString();
        String bob = UUID.randomUUID().toString();
        String adaExchanged = save(client, ada, -60, true);
        List<String> bobs = List.of(save(client, bob, -30, false), save(client, bob, -20, false));
        List<String> adas = new ArrayList<>();
        for (int i = 0; i < AuthorizationCaps.KEPT + 5; i++) {
            adas.add(save(client, ada, i, false));
        }

        List<String> newest = adas.subList(5, adas.size());
        assertThat(rowsOf(ada)).as("the newest %d waiting codes, and the one in use", AuthorizationCaps.KEPT)
                .containsExactlyInAnyOrderElementsOf(concat(newest, adaExchanged));
        assertThat(rowsOf(bob)).as("another user's rows").containsExactlyInAnyOrderElementsOf(bobs);

        // The exchange of a kept code (the same row saved again, with its token) deletes nothing.
        OAuth2Authorization kept = authorizations.findById(newest.get(0));
        authorizations.save(OAuth2Authorization.from(kept).token(new OAuth2AccessToken(
                OAuth2AccessToken.TokenType.BEARER, "access-" + UUID.randomUUID(), now, now.plusSeconds(600),
                Set.of("openid"))).build());
        assertThat(rowsOf(ada)).hasSize(AuthorizationCaps.KEPT + 1);
    }

    /**
     * At most {@value AuthorizationCaps#LIVE} exchanged authorizations of one user with one application: a newer one
     * ends the oldest (by its last token), never another application's or another user's, nor a service client's.
     */
    @Test
    void saveWhenAUserHasMoreLiveAuthorizationsWithOneApplicationThanKeptThenTheOldestGoAndNothingElse() {
        RegisteredClient client = client();
        RegisteredClient other = client();
        String ada = UUID.randomUUID().toString();
        String otherApps = save(other, ada, -120, true);
        List<String> adas = new ArrayList<>();
        for (int i = 0; i < AuthorizationCaps.LIVE + 3; i++) {
            adas.add(save(client, ada, i, true));
        }
        String waiting = save(client, ada, 500, false);

        assertThat(rowsOf(ada)).as("the newest %d with this application, and nothing else of the user's",
                AuthorizationCaps.LIVE).containsExactlyInAnyOrderElementsOf(
                concat(concat(adas.subList(3, adas.size()), otherApps), waiting));

        // A refresh makes an authorization recent again: the next one ends another, not it.
        OAuth2Authorization oldest = authorizations.findById(adas.get(3));
        Instant later = now.plusSeconds(1000);
        authorizations.save(OAuth2Authorization.from(oldest).token(new OAuth2AccessToken(
                OAuth2AccessToken.TokenType.BEARER, "access-" + UUID.randomUUID(), later, later.plusSeconds(600),
                Set.of("openid"))).build());
        String newest = save(client, ada, 2000, true);
        assertThat(rowsOf(ada)).contains(adas.get(3), newest).doesNotContain(adas.get(4))
                .hasSize(AuthorizationCaps.LIVE + 2);
    }

    private static List<String> concat(List<String> list, String one) {
        List<String> all = new ArrayList<>(list);
        all.add(one);
        return all;
    }
}

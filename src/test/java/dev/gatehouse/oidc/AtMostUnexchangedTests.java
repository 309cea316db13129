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
 * A user's authorizations that no application exchanged yet are kept to the newest {@value AtMostUnexchanged#KEPT}
 * (H2 and PostgreSQL), through the server's own store: each authorization request stored a row, and nothing limited
 * them. The exchanged ones, and other users' rows, are never touched.
 */
abstract class AtMostUnexchangedTests {

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
        for (int i = 0; i < AtMostUnexchanged.KEPT + 5; i++) {
            adas.add(save(client, ada, i, false));
        }

        List<String> newest = adas.subList(5, adas.size());
        assertThat(rowsOf(ada)).as("the newest %d waiting codes, and the one in use", AtMostUnexchanged.KEPT)
                .containsExactlyInAnyOrderElementsOf(concat(newest, adaExchanged));
        assertThat(rowsOf(bob)).as("another user's rows").containsExactlyInAnyOrderElementsOf(bobs);

        // The exchange of a kept code (the same row saved again, with its token) deletes nothing.
        OAuth2Authorization kept = authorizations.findById(newest.get(0));
        authorizations.save(OAuth2Authorization.from(kept).token(new OAuth2AccessToken(
                OAuth2AccessToken.TokenType.BEARER, "access-" + UUID.randomUUID(), now, now.plusSeconds(600),
                Set.of("openid"))).build());
        assertThat(rowsOf(ada)).hasSize(AtMostUnexchanged.KEPT + 1);
    }

    private static List<String> concat(List<String> list, String one) {
        List<String> all = new ArrayList<>(list);
        all.add(one);
        return all;
    }
}

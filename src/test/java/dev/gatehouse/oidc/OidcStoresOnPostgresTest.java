package dev.gatehouse.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.nimbusds.jose.jwk.RSAKey;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsent;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.crypto.SecretSealer;
import dev.gatehouse.testsupport.MutableClock;
import dev.gatehouse.testsupport.PostgresTest;
import dev.gatehouse.testsupport.Race;
import dev.gatehouse.testsupport.TestAuthorizations;

/**
 * The provider's state on PostgreSQL, where production keeps it: the three stores of V22 (its {@code varchar} columns
 * in place of the stock {@code blob}) keep an authorization and its principal exactly, and two nodes (two
 * {@link SigningKeys} on one database) make one first key under a race and agree on every rotation.
 */
@PostgresTest
class OidcStoresOnPostgresTest {

    @Autowired
    JdbcClient jdbc;
    @Autowired
    SecretSealer sealer;
    @Autowired
    TransactionTemplate tx;
    @Autowired
    OidcProperties properties;
    @Autowired
    MutableClock clock;
    @Autowired
    SigningKeys keys;
    @Autowired
    OidcClients clients;
    @Autowired
    OAuth2AuthorizationService authorizations;
    @Autowired
    OAuth2AuthorizationConsentService consents;
    @Autowired
    javax.sql.DataSource dataSource;

    /** Another node: its own instance and cache over the same database. */
    SigningKeys otherNode() {
        return new SigningKeys(jdbc, sealer, tx, properties, clock);
    }

    @Test
    void firstKeyWhenEightNodesStartAtOnceThenExactlyOneIsCreatedAndAllSignWithIt() {
        jdbc.sql("delete from oidc_signing_keys").update();
        List<String> kids = Race.run(8, i -> otherNode().active().getKeyID());
        assertThat(Set.copyOf(kids)).hasSize(1);
        assertThat(jdbc.sql("select count(*) from oidc_signing_keys").query(Long.class).single()).isEqualTo(1);
        assertThat(keys.active().getKeyID()).isEqualTo(kids.get(0));
        // The private key is sealed, never stored as it is.
        String sealed = jdbc.sql("select private_key_sealed from oidc_signing_keys").query(String.class).single();
        assertThat(sealed).startsWith("v1.");
    }

    @Test
    void rotateWhenDoneOnOneNodeThenTheOtherSignsWithTheNewKeyAndPublishesTheOldUntilItsTokensExpire()
            throws Exception {
        SigningKeys nodeB = otherNode();
        RSAKey before = keys.active();
        assertThat(nodeB.active().getKeyID()).isEqualTo(before.getKeyID());
        assertThat(nodeB.active().toRSAPublicKey()).isEqualTo(before.toRSAPublicKey());

        String rotated = nodeB.rotate();
        assertThat(keys.active().getKeyID()).isEqualTo(rotated).isNotEqualTo(before.getKeyID());
        assertThat(keys.published()).extracting(RSAKey::getKeyID).containsExactly(rotated, before.getKeyID());
        assertThat(keys.published()).allMatch(key -> !key.isPrivate());

        clock.advance(properties.retiredKeyKept().minusSeconds(1));
        assertThat(nodeB.published()).extracting(RSAKey::getKeyID).contains(before.getKeyID());
        clock.advance(Duration.ofSeconds(2));
        assertThat(nodeB.published()).extracting(RSAKey::getKeyID).containsExactly(rotated);
    }

    @Test
    void rotateWhenTwoNodesRotateAtOnceThenOneKeyStaysActive() {
        Race.run(2, i -> otherNode().rotate());
        assertThat(jdbc.sql("select count(*) from oidc_signing_keys where active = 1").query(Long.class).single())
                .isEqualTo(1);
    }

    @Test
    void authorizationWhenSavedThenReadBackWithItsPrincipalAndTokensFromAnyInstance() {
        TestAuthorizations.Stored saved = TestAuthorizations.store(clients, authorizations, 3L);
        RegisteredClient client = saved.client();
        UUID userId = saved.userId();
        OAuth2Authorization authorization = saved.authorization();
        OidcPrincipal principal = saved.principal();
        String refresh = saved.refreshToken();
        Instant now = authorization.getRefreshToken().getToken().getIssuedAt();

        OAuth2Authorization found = authorizations.findByToken(refresh, OAuth2TokenType.REFRESH_TOKEN);
        assertThat(found).isNotNull();
        assertThat(found.getRefreshToken().getToken().getExpiresAt()).isEqualTo(now.plus(Duration.ofHours(8)));
        UsernamePasswordAuthenticationToken stored = found.getAttribute(Principal.class.getName());
        assertThat(stored.getPrincipal()).isEqualTo(principal);

        // An authorization stored before stop 31 has no sessions generation in its JSON, and one before stop 34 no
        // sign-in: it still reads, as 0 and null.
        String attributes = jdbc.sql("select attributes from oauth2_authorization where id = ?")
                .param(authorization.getId()).query(String.class).single();
        assertThat(attributes).contains("\"sessionsGeneration\":3", "\"signIn\":\"sign-in-hash\"");
        jdbc.sql("update oauth2_authorization set attributes = ? where id = ?")
                .params(attributes.replaceAll(",?\"sessionsGeneration\":3", "")
                        .replaceAll(",?\"signIn\":\"sign-in-hash\"", ""), authorization.getId()).update();
        OAuth2Authorization older = authorizations.findByToken(refresh, OAuth2TokenType.REFRESH_TOKEN);
        OidcPrincipal olderPrincipal = (OidcPrincipal) ((UsernamePasswordAuthenticationToken) older
                .getAttribute(Principal.class.getName())).getPrincipal();
        assertThat(olderPrincipal.sessionsGeneration()).isZero();
        assertThat(olderPrincipal.signIn()).as("one stored before sign-ins were recorded").isNull();

        consents.save(OAuth2AuthorizationConsent.withId(client.getId(), principal.getName()).scope("openid").build());
        assertThat(consents.findById(client.getId(), principal.getName()).getScopes()).containsExactly("openid");

        // What ends the user's sign-ins ends this authorization on every node.
        assertThat(new TokenRevocations(jdbc, authorizations).revokeAll(userId)).isEqualTo(1);
        assertThat(authorizations.findByToken(refresh, OAuth2TokenType.REFRESH_TOKEN)).isNull();
    }

    /**
     * Reading an authorization or a consent takes one connection: with a single connection left in the pool, both
     * read. Spring's stores look the row's client up while the row is still open, which took a second connection:
     * ten token requests at once took the pool's ten and each waited for another, and the node stalled for the
     * pool's 30-second timeout (found by an outside attack in stop 32). Read on a thread of its own, given 5 s.
     */
    @Test
    void authorizationAndConsentWhenReadWithOneConnectionLeftInThePoolThenReadOnIt() throws Exception {
        RegisteredClient client = clients.client("pool-" + UUID.randomUUID(), "{noop}pool-secret-" + UUID.randomUUID())
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri("https://app.example/callback").scope("openid").build();
        clients.save(client);
        Instant now = Clock.systemUTC().instant().truncatedTo(ChronoUnit.SECONDS);
        String refresh = "refresh-" + UUID.randomUUID();
        authorizations.save(OAuth2Authorization.withRegisteredClient(client).id(UUID.randomUUID().toString())
                .principalName("pool-user").authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .authorizedScopes(Set.of("openid"))
                .refreshToken(new OAuth2RefreshToken(refresh, now, now.plus(Duration.ofHours(8)))).build());
        consents.save(OAuth2AuthorizationConsent.withId(client.getId(), "pool-user").scope("openid").build());

        com.zaxxer.hikari.HikariDataSource pool = (com.zaxxer.hikari.HikariDataSource) dataSource;
        List<java.sql.Connection> taken = new java.util.ArrayList<>();
        java.util.concurrent.ExecutorService reader = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            while (taken.size() < pool.getMaximumPoolSize() - 1) {
                taken.add(pool.getConnection());
            }
            assertThat(reader.submit(() -> authorizations.findByToken(refresh, OAuth2TokenType.REFRESH_TOKEN))
                    .get(5, java.util.concurrent.TimeUnit.SECONDS)).isNotNull();
            assertThat(reader.submit(() -> consents.findById(client.getId(), "pool-user"))
                    .get(5, java.util.concurrent.TimeUnit.SECONDS)).isNotNull();
        } finally {
            reader.shutdownNow();
            for (java.sql.Connection connection : taken) {
                connection.close();
            }
        }
    }
}

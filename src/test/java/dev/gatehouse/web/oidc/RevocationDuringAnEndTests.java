package dev.gatehouse.web.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenRevocationAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenRevocationAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.oidc.AuthorizationUses;
import dev.gatehouse.oidc.OidcClients;
import dev.gatehouse.oidc.SpentRefreshTokens;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.testsupport.TestAuthorizations;

/**
 * A revocation cannot bring back an authorization that was ended while it ran (found by an outside attack in stop
 * 35): Spring's revocation provider reads the authorization, marks the token and saves it, and its save inserts the
 * authorization when the row is gone. So a thief revoking its own access token over and over, while the application's
 * replay of a refresh token used twice ended the authorization, got it back whole and kept refreshing. Made
 * deterministic with Spring's own provider on a store whose save waits until the end has had its chance: the end
 * must wait for the revocation (it holds the row), and the authorization is gone once both are done. Run on H2 and
 * PostgreSQL.
 */
abstract class RevocationDuringAnEndTests {

    @Autowired
    OidcClients clients;
    @Autowired
    OAuth2AuthorizationService authorizations;
    @Autowired
    AuthorizationUses uses;
    @Autowired
    SpentRefreshTokens spent;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    AuditLog audit;

    @Test
    void revocationWhenAnEndOfItsAuthorizationComesMeanwhileThenTheEndWaitsAndTheAuthorizationStaysEnded()
            throws Exception {
        TestAuthorizations.Stored stored = TestAuthorizations.store(clients, authorizations);
        RegisteredClient client = stored.client();
        OAuth2Authorization authorization = stored.authorization();
        String access = stored.accessToken();
        String current = stored.refreshToken();
        UUID userId = stored.userId();
        String replaced = "refresh-" + UUID.randomUUID();
        jdbc.sql("insert into spent_refresh_tokens (hash, authorization_id, spent_at) values (?, ?, ?)")
                .params(dev.gatehouse.crypto.Tokens.sha256(replaced), authorization.getId(),
                        dev.gatehouse.system.Db.ts(java.time.Instant.EPOCH)).update();

        CountDownLatch saving = new CountDownLatch(1);
        CountDownLatch save = new CountDownLatch(1);
        OAuth2AuthorizationService savingLate = new OAuth2AuthorizationService() {
            @Override
            public void save(OAuth2Authorization changed) {
                saving.countDown();
                try {
                    save.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                authorizations.save(changed);
            }

            @Override
            public void remove(OAuth2Authorization removed) {
                authorizations.remove(removed);
            }

            @Override
            public OAuth2Authorization findById(String id) {
                return authorizations.findById(id);
            }

            @Override
            public OAuth2Authorization findByToken(String token, OAuth2TokenType type) {
                return authorizations.findByToken(token, type);
            }
        };
        RevocationOfOwnTokens revocation = new RevocationOfOwnTokens(
                new OAuth2TokenRevocationAuthenticationProvider(savingLate), authorizations, uses);
        OAuth2ClientAuthenticationToken caller = new OAuth2ClientAuthenticationToken(client,
                ClientAuthenticationMethod.CLIENT_SECRET_BASIC, "secret");

        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<?> revoked = threads.submit(() -> revocation.authenticate(
                    new OAuth2TokenRevocationAuthenticationToken(access, caller, "access_token")));
            assertThat(saving.await(10, TimeUnit.SECONDS)).as("the revocation read the authorization").isTrue();
            Future<Boolean> ended = threads.submit(() -> spent.endIfSpent(replaced, client.getId(),
                    ClientInfo.SYSTEM));
            // The end of the authorization has half a second to finish while the revocation holds the row; it must not.
            Thread.sleep(500);
            assertThat(ended).as("the end waits for the revocation under way").isNotDone();
            save.countDown();
            revoked.get(20, TimeUnit.SECONDS);
            assertThat(ended.get(20, TimeUnit.SECONDS)).isTrue();
        } finally {
            save.countDown();
            threads.shutdownNow();
        }

        assertThat(jdbc.sql("select count(*) from oauth2_authorization where id = ?").param(authorization.getId())
                .query(Long.class).single()).as("the ended authorization, after the revocation saved").isZero();
        assertThat(authorizations.findByToken(current, OAuth2TokenType.REFRESH_TOKEN)).isNull();
        assertThat(audit.typesForUser(userId)).containsExactly(AuditEventType.APPLICATION_TOKEN_REUSED);
    }
}

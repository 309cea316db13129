package dev.gatehouse.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.testsupport.H2Test;
import dev.gatehouse.testsupport.MutableClock;
import dev.gatehouse.testsupport.TestAuthorizations;

/**
 * The reuse interval ({@code gatehouse.oidc.refresh-token-reuse-interval}): within it a replaced refresh token is only
 * refused, after it the authorization ends; and a client that did not get the token never ends it. The flows through
 * the token endpoint, with no interval, are in {@code OidcFlowTests}.
 */
@H2Test
class SpentRefreshTokensOnH2Test {

    @Autowired
    JdbcClient jdbc;
    @Autowired
    OAuth2AuthorizationService authorizations;
    @Autowired
    RegisteredClientRepository registeredClients;
    @Autowired
    OidcClients clients;
    @Autowired
    AccountClients accountClients;
    @Autowired
    AuditLog audit;
    @Autowired
    MutableClock clock;
    @Autowired
    org.springframework.transaction.support.TransactionTemplate tx;

    private SpentRefreshTokens withInterval(Duration interval) {
        return new SpentRefreshTokens(jdbc, registeredClients, accountClients, audit, clock,
                new OidcProperties(null, Duration.ofMinutes(10), Duration.ofMinutes(10), Duration.ofHours(8),
                        Duration.ofMinutes(1), Duration.ofMinutes(5), interval));
    }

    @Test
    void endIfSpentWhenWithinTheReuseIntervalThenRefusedOnlyAndAfterItTheAuthorizationEnds() {
        TestAuthorizations.Stored stored = TestAuthorizations.store(clients, authorizations);
        SpentRefreshTokens spent = withInterval(Duration.ofSeconds(30));
        String replaced = "refresh-" + UUID.randomUUID();
        spent.keep(stored.authorization().getId(), replaced, stored.refreshToken());

        clock.advance(Duration.ofSeconds(29));
        assertThat(spent.endIfSpent(replaced, stored.client().getId(), ClientInfo.SYSTEM)).isFalse();
        assertThat(authorizations.findById(stored.authorization().getId())).as("within the interval").isNotNull();

        clock.advance(Duration.ofSeconds(1));
        assertThat(spent.endIfSpent(replaced, "another-client", ClientInfo.SYSTEM)).as("another client").isFalse();
        assertThat(authorizations.findById(stored.authorization().getId())).isNotNull();
        assertThat(spent.endIfSpent(replaced, stored.client().getId(), ClientInfo.SYSTEM)).isTrue();
        assertThat(authorizations.findById(stored.authorization().getId())).as("after the interval").isNull();
    }

    /**
     * Copies arriving together (found by an outside attack: two or three entries for one end) are all refused, and the
     * end is recorded once, by the one whose delete removed the authorization. Made deterministic by holding the
     * authorization's row, as a use under way would, while both arrive.
     */
    @Test
    void endIfSpentWhenTwoCopiesArriveTogetherThenBothRefusedAndTheEndRecordedOnce() {
        TestAuthorizations.Stored stored = TestAuthorizations.store(clients, authorizations);
        SpentRefreshTokens spent = withInterval(Duration.ZERO);
        String replaced = "refresh-" + UUID.randomUUID();
        spent.keep(stored.authorization().getId(), replaced, stored.refreshToken());

        java.util.List<Boolean> ended = dev.gatehouse.testsupport.Race.whileHeld(tx,
                () -> jdbc.sql("select id from oauth2_authorization where id = ? for update")
                        .param(stored.authorization().getId()).query(String.class).list(),
                () -> { },
                () -> dev.gatehouse.testsupport.Race.run(2,
                        i -> spent.endIfSpent(replaced, stored.client().getId(), ClientInfo.SYSTEM)));

        assertThat(ended).containsExactly(true, true);
        assertThat(audit.typesForUser(stored.userId()))
                .containsExactly(dev.gatehouse.audit.AuditEventType.APPLICATION_TOKEN_REUSED);
    }

    @Test
    void keepWhenTheRefreshTokenWasNotReplacedThenNothingIsSpent() {
        TestAuthorizations.Stored stored = TestAuthorizations.store(clients, authorizations);
        SpentRefreshTokens spent = withInterval(Duration.ZERO);
        spent.keep(stored.authorization().getId(), stored.refreshToken(), stored.refreshToken());
        spent.keep(stored.authorization().getId(), stored.refreshToken(), null);

        assertThat(spent.endIfSpent(stored.refreshToken(), stored.client().getId(), ClientInfo.SYSTEM)).isFalse();
        assertThat(authorizations.findById(stored.authorization().getId())).isNotNull();
    }

    @Test
    void intervalWhenNegativeOrLongerThanAMinuteThenRefusedAtStart() {
        for (Duration wrong : new Duration[] {Duration.ofSeconds(-1), Duration.ofSeconds(61)}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> withInterval(wrong))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("gatehouse.oidc.refresh-token-reuse-interval");
        }
    }
}

package dev.gatehouse.oidc;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.stereotype.Component;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.crypto.Tokens;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.system.Db;

/**
 * Refresh tokens used twice. Refresh tokens rotate (each refresh gives a new one and the old one stops working), so
 * one that comes back after it was replaced is a copy in a second pair of hands: the application's and a thief's, or
 * the other way round, and which one holds the current token cannot be told. As RFC 9700 (OAuth 2.0 Security Best
 * Current Practice, section 4.14.2) writes it, the authorization it came from is then ended: its current refresh
 * token stops working, and so do its access token at introspection and UserInfo and its ID token at the
 * application's sign-out, whoever holds them; the application signs the user in again. Only applications with a
 * secret get refresh tokens here, so the thief this stops holds the application's secret too (a copy of its server's
 * data and settings); before, such a thief who refreshed first kept the grant for as long as the sign-in lasted,
 * while the application's own next refresh merely failed.
 *
 * <p>The replaced tokens are kept as SHA-256 hashes in a table of their own ({@code spent_refresh_tokens}), with when
 * they were replaced, one insert per refresh, deleted with their authorization (ended, signed out, or a day after
 * its tokens expired). A spent token ends its authorization only when it comes from the application it was issued to
 * (a client authenticated as another application gets the plain refusal, as for any token not its own), and only
 * once {@code gatehouse.oidc.refresh-token-reuse-interval} (default none) has passed since it was replaced: within
 * it, it is refused and ends nothing, for applications that refresh in two places at once. The user's activity records
 * it once (on the account that registered the application, for its owners and admins), and the log says which
 * authorization. A use or revocation of the authorization under way is waited for ({@link AuthorizationUses}), so it
 * cannot bring the authorization back. Two refreshes of one token at the same moment count as a copy when there is no
 * interval: the second waits for the first, then finds the token spent.
 */
@Component
public class SpentRefreshTokens {

    private static final Logger log = LoggerFactory.getLogger(SpentRefreshTokens.class);

    private final JdbcClient jdbc;
    private final RegisteredClientRepository clients;
    private final AccountClients accountClients;
    private final AuditLog audit;
    private final Clock clock;
    private final Duration reuseInterval;

    SpentRefreshTokens(JdbcClient jdbc, RegisteredClientRepository clients, AccountClients accountClients,
                       AuditLog audit, Clock clock, OidcProperties properties) {
        this.jdbc = jdbc;
        this.clients = clients;
        this.accountClients = accountClients;
        this.audit = audit;
        this.clock = clock;
        this.reuseInterval = properties.refreshTokenReuseInterval();
    }

    /**
     * After a refresh of the authorization {@code authorizationId} with the refresh token {@code presented} that gave
     * {@code issued} (in the refresh's transaction): the presented token is kept as spent. Nothing when no new
     * refresh token was issued (a client whose refresh tokens do not rotate keeps using its one).
     */
    public void keep(String authorizationId, String presented, String issued) {
        if (issued == null || issued.equals(presented)) {
            return;
        }
        jdbc.sql("insert into spent_refresh_tokens (hash, authorization_id, spent_at) values (?, ?, ?)")
                .params(Tokens.sha256(presented), authorizationId, Db.ts(clock.instant())).update();
    }

    /**
     * When {@code presented} is a refresh token that an authorization of the application {@code registeredClientId}
     * gave and replaced longer ago than the reuse interval: that authorization is deleted, the user's activity says so
     * (once: copies arriving together are all refused, and the one that deleted it records it), and true. False for
     * any other token (never issued, of another application, replaced within the interval, or of an authorization
     * that has ended anyway).
     */
    public boolean endIfSpent(String presented, String registeredClientId, ClientInfo from) {
        // With its authorization, of this application: one indexed read, nothing of the authorization's JSON.
        Spent spent = jdbc.sql("""
                        select s.authorization_id, s.spent_at, a.principal_name from spent_refresh_tokens s
                        join oauth2_authorization a on a.id = s.authorization_id
                        where s.hash = ? and a.registered_client_id = ?""")
                .params(Tokens.sha256(presented), registeredClientId)
                .query((rs, n) -> new Spent(rs.getString(1), Db.instant(rs, "spent_at"), rs.getString(3)))
                .optional().orElse(null);
        if (spent == null || clock.instant().isBefore(spent.at().plus(reuseInterval))) {
            return false;
        }
        // Not Spring's remove: its count tells which of copies arriving together ended it. The row lock of a use or
        // revocation of the authorization under way is waited for.
        int deleted = jdbc.sql("delete from oauth2_authorization where id = ?").param(spent.authorizationId())
                .update();
        if (deleted == 0) {
            return true;
        }
        UUID user = spent.user();
        RegisteredClient client = clients.findById(registeredClientId);
        log.warn("A replaced refresh token of authorization {} (application {}, user {}) was used again from {}:"
                        + " the authorization was ended", spent.authorizationId(),
                client == null ? registeredClientId : client.getClientId(), user, from.ip());
        if (user != null) {
            audit.record(AuditEventType.APPLICATION_TOKEN_REUSED, user,
                    accountClients.accountOfStored(registeredClientId).orElse(null), from,
                    client == null ? null : client.getClientName());
        }
        return true;
    }

    /** A spent token's authorization, when it was replaced, and whose the authorization is (its principal's name). */
    private record Spent(String authorizationId, Instant at, String principalName) {

        /** The user the authorization is of ({@link OidcPrincipal#getName}: their id); null for any other principal. */
        UUID user() {
            try {
                return principalName == null ? null : UUID.fromString(principalName);
            } catch (IllegalArgumentException notAUser) {
                return null;
            }
        }
    }
}

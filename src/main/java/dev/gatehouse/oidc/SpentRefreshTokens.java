package dev.gatehouse.oidc;

import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.stereotype.Component;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.crypto.Tokens;
import dev.gatehouse.system.ClientInfo;

/**
 * Refresh tokens used twice. Refresh tokens rotate (each refresh gives a new one and the old one stops working), so
 * one that comes back after it was replaced is a copy in a second pair of hands: the application's and a thief's, or
 * the other way round, and which one holds the current token cannot be told. As RFC 9700 (OAuth 2.0 Security Best
 * Current Practice, section 4.14.2) writes it, the authorization it came from is then ended: its current refresh
 * token, access token and ID token stop working, whoever holds them, and the application signs the user in again.
 * Before, the copy was only refused, and a thief who refreshed first kept the grant while the application's own
 * refreshes failed.
 *
 * <p>The replaced tokens are kept as SHA-256 hashes in a table of their own ({@code spent_refresh_tokens}), one
 * insert per refresh, deleted with their authorization (ended, signed out, or a day after its tokens expired). A
 * spent token ends its authorization only when it comes from the application it was issued to (a client
 * authenticated as another application gets the plain refusal, as for any token not its own). The user's activity
 * records it (and the activity of their accounts, as a sign of an attack), and the log says which authorization.
 * Two refreshes of one token at the same moment (an application that refreshes in two places at once) count as a
 * copy too: the second waits for the first ({@link AuthorizationUses}), then finds the token spent.
 */
@Component
public class SpentRefreshTokens {

    private static final Logger log = LoggerFactory.getLogger(SpentRefreshTokens.class);

    private final JdbcClient jdbc;
    private final OAuth2AuthorizationService authorizations;
    private final RegisteredClientRepository clients;
    private final AuditLog audit;

    SpentRefreshTokens(JdbcClient jdbc, OAuth2AuthorizationService authorizations,
                       RegisteredClientRepository clients, AuditLog audit) {
        this.jdbc = jdbc;
        this.authorizations = authorizations;
        this.clients = clients;
        this.audit = audit;
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
        jdbc.sql("insert into spent_refresh_tokens (hash, authorization_id) values (?, ?)")
                .params(Tokens.sha256(presented), authorizationId).update();
    }

    /**
     * When {@code presented} is a refresh token that an authorization of the application {@code registeredClientId}
     * gave and has replaced since: that authorization is deleted, the user's activity says so, and true. False for
     * any other token (never issued, of another application, or of an authorization that has ended anyway).
     */
    public boolean endIfSpent(String presented, String registeredClientId, ClientInfo from) {
        String id = jdbc.sql("select authorization_id from spent_refresh_tokens where hash = ?")
                .param(Tokens.sha256(presented)).query(String.class).optional().orElse(null);
        OAuth2Authorization authorization = id == null ? null : authorizations.findById(id);
        if (authorization == null || !authorization.getRegisteredClientId().equals(registeredClientId)) {
            return false;
        }
        authorizations.remove(authorization);
        UUID user = OidcPrincipal.of(authorization).map(OidcPrincipal::userId).orElse(null);
        RegisteredClient client = clients.findById(registeredClientId);
        log.warn("A replaced refresh token of authorization {} (application {}, user {}) was used again from {}:"
                        + " the authorization was ended", id, client == null ? registeredClientId : client.getClientId(),
                user, from.ip());
        if (user != null) {
            audit.record(AuditEventType.APPLICATION_TOKEN_REUSED, user, null, from,
                    client == null ? null : client.getClientName());
        }
        return true;
    }
}

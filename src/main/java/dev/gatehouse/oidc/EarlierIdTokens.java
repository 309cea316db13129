package dev.gatehouse.oidc;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.core.oidc.IdTokenClaimNames;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.stereotype.Component;

import com.nimbusds.jwt.JWTClaimsSet;

import dev.gatehouse.crypto.Tokens;

/**
 * The ID tokens an authorization gave before its current one, so that an application's sign-out with one of them is
 * taken as with the current one. Each refresh gives a new ID token and Spring Authorization Server keeps only that
 * one, by which its logout endpoint finds the sign-in: an application that keeps the ID token of its sign-in for its
 * sign-out (many do) got a 400 there after its first refresh, and the user stayed signed in to Gatehouse.
 *
 * <p>Kept as SHA-256 hashes in a table of their own ({@code earlier_id_tokens}), one insert per refresh, deleted with
 * their authorization. A hint is matched only after its signature is checked, when it is an ID token, and only to an
 * authorization of the user it names with the application it was issued to; the sign-out then runs as Spring's, on
 * the current ID token, with all of its checks (the application, its registered post-sign-out address, the browser's
 * own user).
 */
@Component
public class EarlierIdTokens {

    private final JdbcClient jdbc;
    private final IdTokenHints hints;

    EarlierIdTokens(JdbcClient jdbc, IdTokenHints hints) {
        this.jdbc = jdbc;
        this.hints = hints;
    }

    /**
     * After a refresh of {@code before} (the authorization as it was read before the refresh, in the refresh's
     * transaction) that gave {@code newIdToken}: the ID token it replaced is kept as an earlier one.
     */
    public void keep(OAuth2Authorization before, String newIdToken) {
        OAuth2Authorization.Token<OidcIdToken> replaced = before.getToken(OidcIdToken.class);
        if (replaced == null || newIdToken == null || newIdToken.equals(replaced.getToken().getTokenValue())) {
            return;
        }
        jdbc.sql("insert into earlier_id_tokens (hash, authorization_id) values (?, ?)")
                .params(Tokens.sha256(replaced.getToken().getTokenValue()), before.getId()).update();
    }

    /**
     * The current ID token of the authorization that gave {@code hint} before its current one, or null: the hint is
     * not an ID token this server signed (an ID token names the application it was issued to in {@code azp}; an
     * access token does not), or was never one of an authorization its subject still holds with that application.
     */
    public String currentFor(String hint) {
        JWTClaimsSet claims = hints.signed(hint);
        if (claims == null || claims.getSubject() == null
                || !(claims.getClaim(IdTokenClaimNames.AZP) instanceof String client)) {
            return null;
        }
        return jdbc.sql("""
                select a.oidc_id_token_value from earlier_id_tokens e
                join oauth2_authorization a on a.id = e.authorization_id
                where e.hash = ? and a.principal_name = ? and a.oidc_id_token_value is not null
                and a.registered_client_id in (select id from oauth2_registered_client where client_id = ?)""")
                .params(Tokens.sha256(hint), claims.getSubject(), client).query(String.class).optional()
                .orElse(null);
    }
}

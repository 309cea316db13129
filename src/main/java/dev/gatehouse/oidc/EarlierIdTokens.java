package dev.gatehouse.oidc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.core.oidc.IdTokenClaimNames;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.stereotype.Component;

import com.nimbusds.jwt.JWTClaimsSet;

import dev.gatehouse.crypto.Tokens;

/**
 * The ID tokens an authorization gave before its current one, so that an application's sign-out with one of them is
 * taken as with the current one. Each refresh gives a new ID token and Spring Authorization Server keeps only that
 * one, by which its logout endpoint finds the sign-in: an application that keeps the ID token of its sign-in for its
 * sign-out (many do) got a 400 there after its first refresh, and the user stayed signed in to Gatehouse.
 *
 * <p>Kept as SHA-256 hashes in one attribute of the authorization: the first ID token and the {@value #RECENT} before
 * the current one. A hint is matched only among the authorizations of the user it names with the application it was
 * issued to, after its signature is checked; the sign-out then runs as Spring's, on the current ID token, with all of
 * its checks (the application, its registered post-sign-out address, the browser's own user). Keeping costs a refresh
 * one more read and write of its authorization, in the refresh's transaction (docs/benchmarks.md, stop 33).
 */
@Component
public class EarlierIdTokens {

    /** The authorization's attribute: the earlier ID tokens' hashes, first one first, separated by spaces. */
    static final String ATTRIBUTE = "gatehouse.earlierIdTokens";

    /** How many ID tokens before the current one are kept besides the first. */
    static final int RECENT = 9;

    private final OAuth2AuthorizationService authorizations;
    private final JdbcClient jdbc;
    private final IdTokenHints hints;

    EarlierIdTokens(OAuth2AuthorizationService authorizations, JdbcClient jdbc, IdTokenHints hints) {
        this.authorizations = authorizations;
        this.jdbc = jdbc;
        this.hints = hints;
    }

    /**
     * After a refresh of {@code before} (as it was read before the refresh, in the refresh's transaction): when the
     * refresh replaced its ID token, the replaced one is kept among the earlier ones.
     */
    public void keep(OAuth2Authorization before) {
        OAuth2Authorization.Token<OidcIdToken> replaced = before.getToken(OidcIdToken.class);
        OAuth2Authorization after = replaced == null ? null : authorizations.findById(before.getId());
        OAuth2Authorization.Token<OidcIdToken> current = after == null ? null : after.getToken(OidcIdToken.class);
        if (current == null || current.getToken().getTokenValue().equals(replaced.getToken().getTokenValue())) {
            return;
        }
        List<String> kept = new ArrayList<>(hashes(after));
        kept.add(Tokens.sha256(replaced.getToken().getTokenValue()));
        if (kept.size() > RECENT + 1) {
            kept.remove(1); // the first stays: the one an application that never replaces it sends
        }
        authorizations.save(OAuth2Authorization.from(after).attribute(ATTRIBUTE, String.join(" ", kept)).build());
    }

    /**
     * The current ID token of the authorization that gave {@code hint} before its current one, or null: the hint is
     * not an ID token this server signed (an ID token names the application it was issued to in {@code azp}; an
     * access token does not), or was never one of an authorization its subject still holds with that application.
     * One indexed read by the user, then the one authorization found.
     */
    public String currentFor(String hint) {
        JWTClaimsSet claims = hints.signed(hint);
        UUID subject = claims == null ? null : userId(claims.getSubject());
        Object application = claims == null ? null : claims.getClaim(IdTokenClaimNames.AZP);
        if (subject == null || !(application instanceof String client)) {
            return null;
        }
        String hash = Tokens.sha256(hint); // hexadecimal: nothing in it is special to like
        return jdbc.sql("""
                select id from oauth2_authorization where principal_name = ? and oidc_id_token_value is not null
                and registered_client_id in (select id from oauth2_registered_client where client_id = ?)
                and attributes like ?""")
                .params(subject.toString(), client, "%" + hash + "%").query(String.class).list().stream()
                .map(authorizations::findById)
                .filter(held -> held != null && held.getToken(OidcIdToken.class) != null
                        && hashes(held).contains(hash))
                .map(held -> held.getToken(OidcIdToken.class).getToken().getTokenValue())
                .findFirst().orElse(null);
    }

    private static List<String> hashes(OAuth2Authorization authorization) {
        String kept = authorization.getAttribute(ATTRIBUTE);
        return kept == null || kept.isBlank() ? List.of() : Arrays.asList(kept.split(" "));
    }

    private static UUID userId(String subject) {
        try {
            return subject == null ? null : UUID.fromString(subject);
        } catch (IllegalArgumentException notOurs) {
            return null;
        }
    }
}

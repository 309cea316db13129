package dev.gatehouse.oidc;

import java.util.function.Supplier;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One use of an authorization's code or refresh token, or one revocation of its tokens, at a time. Spring's providers
 * read the authorization, issue tokens and save it back without a lock, so two exchanges of one code arriving
 * together both got tokens (12 of 20 at once; found by an outside attack in stop 32), and two refreshes with one
 * refresh token both got a new one. Here the use runs in a transaction that first locks the authorization's row: the
 * second waits, then reads the code already used (Spring refuses it and revokes the tokens the first got, RFC 6749
 * section 4.1.2) or finds the refresh token already replaced (refused, and its authorization ended:
 * {@link SpentRefreshTokens}). What a refusal wrote (that revocation, or a deletion) is committed before it is
 * rethrown.
 */
@Component
public class AuthorizationUses {

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;

    AuthorizationUses(JdbcClient jdbc, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.tx = tx;
    }

    /** {@code use} of the authorization code {@code code}, alone. */
    public Authentication ofCode(String code, Supplier<Authentication> use) {
        return alone("select id from oauth2_authorization where authorization_code_value = ? for update", code, use);
    }

    /** {@code use} of the refresh token {@code token}, alone. */
    public Authentication ofRefreshToken(String token, Supplier<Authentication> use) {
        return alone("select id from oauth2_authorization where refresh_token_value = ? for update", token, use);
    }

    /**
     * {@code use} of the authorization {@code id} (found by the token it is asked about), alone. For a revocation:
     * Spring's provider reads the authorization, marks the token and saves it back, and its save inserts the
     * authorization when the row is gone; a revocation that read it before an end deleted it brought it back whole,
     * with its refresh token (found by an outside attack in stop 35, racing the end of a refresh token used twice).
     * With the row held, an end waits for the revocation, or the revocation, reading again, finds nothing to save.
     */
    public Authentication ofAuthorization(String id, Supplier<Authentication> use) {
        return alone("select id from oauth2_authorization where id = ? for update", id, use);
    }

    private Authentication alone(String lock, String token, Supplier<Authentication> use) {
        Object outcome = tx.execute(status -> {
            jdbc.sql(lock).param(token).query(String.class).list();
            try {
                return use.get();
            } catch (OAuth2AuthenticationException refused) {
                return refused;
            }
        });
        if (outcome instanceof OAuth2AuthenticationException refused) {
            throw refused;
        }
        return (Authentication) outcome;
    }
}

package dev.gatehouse.oidc;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;

/**
 * Keeps at most {@value #KEPT} authorizations of one user that no application has exchanged yet (a code issued, no
 * token), and at most {@value #LIVE} exchanged ones of one user with one application: saving a newer one deletes the
 * oldest beyond that, in the same transaction.
 * <ul>
 * <li>Each authorization request of a signed-in browser stores a row, kept a day when its code is never used
 * ({@link EndedAuthorizations}), and nothing limited them: a loop of requests on one session grew the table by a row
 * each time (noticed in stop 36). A person completes a sign-in in seconds, so twenty codes still waiting is far past
 * any real use; an application handed one of the dropped codes gets {@code invalid_grant} and starts over.</li>
 * <li>Each exchange leaves a row kept for its tokens' life and a day after, and any account owner can register an
 * application and loop "authorize, exchange" on their own session: 3,000 rows in 33 s, 1 GB of store an hour (found
 * by stop 37's outside attack). A budget of exchanges, tried first, let another site lock a user out of every
 * application: it can send the user's browser through an application's sign-in, which exchanges a code each time
 * (found by the second attack). The cap bounds the rows and locks no one out: it ends the oldest of one user's
 * authorizations with that application only, ordered by their last token (a refresh keeps a device's own recent),
 * and {@value #LIVE} is far past one person's devices and silent renewals within a token's life.</li>
 * </ul>
 */
final class AuthorizationCaps {

    static final int KEPT = 20;
    static final int LIVE = 100;

    private final JdbcClient jdbc;

    AuthorizationCaps(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** After {@code authorization} was saved, in the save's transaction. */
    void saved(OAuth2Authorization authorization) {
        if (authorization.getPrincipalName() == null) {
            return;
        }
        if (authorization.getAccessToken() != null
                && AuthorizationGrantType.AUTHORIZATION_CODE.equals(authorization.getAuthorizationGrantType())) {
            // A user's, not a service client's (client_credentials: ClientCredentialsBudget bounds those).
            jdbc.sql("""
                    delete from oauth2_authorization
                    where principal_name = :user and registered_client_id = :client and access_token_value is not null
                    and id not in (select id from oauth2_authorization
                                   where principal_name = :user and registered_client_id = :client
                                   and access_token_value is not null
                                   order by access_token_issued_at desc nulls last, id
                                   limit :kept)""")
                    .param("user", authorization.getPrincipalName())
                    .param("client", authorization.getRegisteredClientId()).param("kept", LIVE).update();
        } else if (authorization.getRefreshToken() == null) {
            jdbc.sql("""
                    delete from oauth2_authorization
                    where principal_name = :user and access_token_value is null and refresh_token_value is null
                    and id not in (select id from oauth2_authorization
                                   where principal_name = :user and access_token_value is null
                                   and refresh_token_value is null
                                   order by authorization_code_issued_at desc nulls last, id
                                   limit :kept)""")
                    .param("user", authorization.getPrincipalName()).param("kept", KEPT).update();
        }
    }
}

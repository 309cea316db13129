package dev.gatehouse.oidc;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;

/**
 * Keeps at most {@value #KEPT} authorizations of one user that no application has exchanged yet (a code issued, no
 * token): saving a newer one deletes the oldest beyond that, in the same transaction. Each authorization request of a
 * signed-in browser stores a row, kept a day when its code is never used ({@link EndedAuthorizations}), and nothing
 * limited them: a loop of requests on one session (a script, or a page reloading itself) grew the table by a row each
 * time (noticed in stop 36). A person completes a sign-in in seconds, so twenty codes still waiting is far past any
 * real use; an application handed one of the dropped codes gets {@code invalid_grant} and starts its sign-in over.
 * Exchanged authorizations (tokens in use) are never touched here.
 */
final class AtMostUnexchanged {

    static final int KEPT = 20;

    private final JdbcClient jdbc;

    AtMostUnexchanged(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** After {@code authorization} was saved, in the save's transaction. */
    void saved(OAuth2Authorization authorization) {
        if (authorization.getAccessToken() == null && authorization.getRefreshToken() == null
                && authorization.getPrincipalName() != null) {
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

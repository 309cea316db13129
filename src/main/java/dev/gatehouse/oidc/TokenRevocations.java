package dev.gatehouse.oidc;

import java.util.List;
import java.util.UUID;

import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.gatehouse.account.MemberLeft;
import dev.gatehouse.factor.FactorRemoved;
import dev.gatehouse.signin.SignedOutEverywhere;
import dev.gatehouse.user.PasswordChanged;

/**
 * What ends a user's sessions ends what applications hold for them too: a password change or reset, "Sign out
 * everywhere", and a removed method (an admin's reset of their two-step verification removes them all) delete every
 * authorization of the user, so their refresh tokens, access tokens and unused codes stop working on every node. Run in
 * the transaction of the change, when there is one: both happen or neither.
 */
@Component
public class TokenRevocations {

    private final JdbcClient jdbc;

    TokenRevocations(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @EventListener
    void passwordChanged(PasswordChanged changed) {
        revokeAll(changed.userId());
    }

    @EventListener
    void signedOutEverywhere(SignedOutEverywhere signedOut) {
        revokeAll(signedOut.userId());
    }

    @EventListener
    void methodRemoved(FactorRemoved removed) {
        revokeAll(removed.userId());
    }

    /** A member removed from an account: what the account's applications hold for them ends (they serve members). */
    @EventListener
    void memberLeft(MemberLeft left) {
        jdbc.sql("""
                delete from oauth2_authorization where principal_name = ?
                and registered_client_id in (select registered_client_id from account_clients where account_id = ?)""")
                .params(left.userId().toString(), left.accountId()).update();
    }

    /** The ids of the authorizations one application holds for the user. */
    public List<String> authorizationIds(UUID userId, String clientId) {
        return jdbc.sql("""
                select id from oauth2_authorization where principal_name = ?
                and registered_client_id in (select id from oauth2_registered_client where client_id = ?)""")
                .params(userId.toString(), clientId).query(String.class).list();
    }

    /** Deletes every authorization (codes, access and refresh tokens) of the user; returns how many. */
    public int revokeAll(UUID userId) {
        return jdbc.sql("delete from oauth2_authorization where principal_name = ?").param(userId.toString()).update();
    }
}

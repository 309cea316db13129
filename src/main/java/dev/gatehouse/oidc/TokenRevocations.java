package dev.gatehouse.oidc;

import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.stereotype.Component;

import dev.gatehouse.account.MemberLeft;
import dev.gatehouse.factor.FactorRemoved;
import dev.gatehouse.signin.SignInEnded;
import dev.gatehouse.signin.SignedOutEverywhere;
import dev.gatehouse.user.PasswordChanged;

/**
 * What ends a user's sessions ends what applications hold for them too: a password change or reset, "Sign out
 * everywhere", and a removed method (an admin's reset of their two-step verification removes them all) delete every
 * authorization of the user, so their refresh tokens, access tokens and unused codes stop working on every node. Run in
 * the transaction of the change, when there is one: both happen or neither. One sign-in ended on its own (signed
 * out in its browser, or from another session) deletes the authorizations granted in it.
 */
@Component
public class TokenRevocations {

    private static final Logger log = LoggerFactory.getLogger(TokenRevocations.class);

    private final JdbcClient jdbc;
    private final OAuth2AuthorizationService authorizations;

    TokenRevocations(JdbcClient jdbc, OAuth2AuthorizationService authorizations) {
        this.jdbc = jdbc;
        this.authorizations = authorizations;
    }

    /**
     * One sign-in ended on its own (signed out, or from another session): the authorizations granted in it are
     * deleted. Their every use is refused already ({@code web.oidc.WithinTheSignIn}); deleting them also makes an
     * application's sign-out with their ID tokens end nothing more ({@code web.oidc.SignOutWithAnEarlierIdToken}). A
     * failure is logged: the session is ended by then, and so are its tokens' uses.
     */
    @EventListener
    void signInEnded(SignInEnded ended) {
        try {
            // Only the rows whose stored principal mentions the sign-in (a hex hash) are read and parsed: reading
            // every authorization of the user made each sign-out cost a second per 8,000 of them, and a user can make
            // many (unused codes; outside attack, stop 36). The parse still decides.
            revokeWhere(jdbc.sql("select id from oauth2_authorization where principal_name = ? and attributes like ?")
                    .params(ended.userId().toString(), "%" + ended.signIn() + "%").query(String.class).list(),
                    user -> ended.signIn().equals(user.signIn()));
        } catch (RuntimeException e) {
            log.error("Could not delete the authorizations of an ended sign-in of user {}: {}", ended.userId(),
                    e.getClass().getSimpleName());
        }
    }

    /**
     * Deletes those of the authorizations {@code ids} whose sign-in {@code ended} names; returns how many went. Each is
     * read to tell (the sign-in is in its principal's JSON), so {@code ids} should be one user's.
     */
    private int revokeWhere(List<String> ids, Predicate<OidcPrincipal> ended) {
        int revoked = 0;
        for (String id : ids) {
            OAuth2Authorization authorization = authorizations.findById(id);
            if (authorization != null && OidcPrincipal.of(authorization).filter(ended).isPresent()) {
                authorizations.remove(authorization);
                revoked++;
            }
        }
        return revoked;
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

    /** Deletes every authorization (codes, access and refresh tokens) of the user; returns how many. */
    public int revokeAll(UUID userId) {
        return jdbc.sql("delete from oauth2_authorization where principal_name = ?").param(userId.toString()).update();
    }
}

package dev.gatehouse.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.gatehouse.signin.SessionProperties;
import dev.gatehouse.system.Db;

/**
 * Authorizations are deleted a day after every token in them ended, and not before (H2 and PostgreSQL): nothing else
 * deleted them, so each sign-in through an application left a row for good. The rows are written as Spring's store
 * writes them, with the expiry of each token, for a user of this test alone; "now" is the real time, so that the rows
 * of other tests in the same database, all younger than a day, are never in reach.
 */
abstract class EndedAuthorizationsTests {

    @Autowired
    JdbcClient jdbc;

    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private final String user = UUID.randomUUID().toString();

    /** An authorization of this test's user whose tokens expire at these times (null: no such token). */
    private String authorization(String name, Instant code, Instant access, Instant refresh, Instant idToken) {
        String id = name + "-" + UUID.randomUUID();
        jdbc.sql("""
                insert into oauth2_authorization (id, registered_client_id, principal_name, authorization_grant_type,
                authorization_code_value, authorization_code_expires_at, access_token_value, access_token_expires_at,
                refresh_token_value, refresh_token_expires_at, oidc_id_token_value, oidc_id_token_expires_at)
                values (?, 'client', ?, 'authorization_code', ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(id, user, code == null ? null : "c-" + id, Db.ts(code), access == null ? null : "a-" + id,
                        Db.ts(access), refresh == null ? null : "r-" + id, Db.ts(refresh),
                        idToken == null ? null : "i-" + id, Db.ts(idToken))
                .update();
        return id;
    }

    private List<String> left() {
        return jdbc.sql("select id from oauth2_authorization where principal_name = ? order by id").param(user)
                .query(String.class).list();
    }

    private Instant ago(Duration duration) {
        return now.minus(duration);
    }

    @Test
    void deleteEndedWhenEveryTokenEndedMoreThanADayAgoThenDeletedAndAnyOtherKept() {
        Duration twoDays = Duration.ofDays(2);
        String ended = authorization("ended", ago(twoDays), ago(twoDays), ago(twoDays), ago(twoDays));
        String codeNeverExchanged = authorization("code", ago(twoDays), null, null, null);
        String refreshAlive = authorization("refresh-alive", ago(twoDays), ago(twoDays), now.plus(Duration.ofHours(3)),
                ago(twoDays));
        String endedAnHourAgo = authorization("recent", ago(Duration.ofHours(1)), ago(Duration.ofHours(1)),
                ago(Duration.ofHours(1)), ago(Duration.ofHours(1)));
        String noTokens = authorization("none", null, null, null, null);

        EndedAuthorizations ending = new EndedAuthorizations(jdbc, Clock.fixed(now, ZoneOffset.UTC),
                new SessionProperties(Duration.ofHours(12)));
        ending.deleteEnded();

        assertThat(left()).containsExactlyInAnyOrder(refreshAlive, endedAnHourAgo, noTokens)
                .doesNotContain(ended, codeNeverExchanged);
    }

    /** A browser session configured to last longer than a day keeps the authorizations that long after they ended. */
    @Test
    void deleteEndedWhenSessionsLastTwoDaysThenKeptTwoDaysAfterTheyEnded() {
        String ended36HoursAgo = authorization("ended-36h", null, ago(Duration.ofHours(36)), ago(Duration.ofHours(36)),
                ago(Duration.ofHours(36)));
        String ended3DaysAgo = authorization("ended-3d", null, ago(Duration.ofDays(3)), ago(Duration.ofDays(3)),
                ago(Duration.ofDays(3)));

        new EndedAuthorizations(jdbc, Clock.fixed(now, ZoneOffset.UTC), new SessionProperties(Duration.ofDays(2)))
                .deleteEnded();

        assertThat(left()).containsExactly(ended36HoursAgo).doesNotContain(ended3DaysAgo);
    }
}

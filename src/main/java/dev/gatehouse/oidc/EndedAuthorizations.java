package dev.gatehouse.oidc;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.gatehouse.signin.SessionProperties;
import dev.gatehouse.system.Db;

/**
 * Deletes an application's authorization a day after every token in it ended: its code, access token, refresh token
 * and ID token (or, when a browser session may last longer than a day, that long after). Nothing else deleted them:
 * each sign-in through an application, each silent renewal and step-up, and each code never exchanged left a row for
 * good. Nothing can use such a row any more: a refresh is refused past the session's absolute lifetime, and an
 * application's sign-out with its ID token finds the browser's session over by then. Every node runs it; the delete is
 * the same on each.
 */
@Component
class EndedAuthorizations {

    private static final Logger log = LoggerFactory.getLogger(EndedAuthorizations.class);

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Duration kept;

    /**
     * On the system clock, not the application's {@code Clock}: Spring Authorization Server writes the tokens' expiry
     * times from the system clock (a test that moves the application's clock by days would otherwise make every
     * authorization look ended).
     */
    @Autowired
    EndedAuthorizations(JdbcClient jdbc, SessionProperties sessions) {
        this(jdbc, Clock.systemUTC(), sessions);
    }

    EndedAuthorizations(JdbcClient jdbc, Clock clock, SessionProperties sessions) {
        this.jdbc = jdbc;
        this.clock = clock;
        Duration day = Duration.ofDays(1);
        this.kept = sessions.absoluteLifetime().compareTo(day) > 0 ? sessions.absoluteLifetime() : day;
    }

    @Scheduled(initialDelayString = "PT4M", fixedDelayString = "PT1H")
    void deleteEnded() {
        int deleted = deleteEndedBefore(clock.instant().minus(kept));
        log.debug("Deleted {} ended authorizations", deleted);
    }

    /**
     * Deletes the authorizations that hold at least one token and whose every token expired before {@code before};
     * returns how many.
     */
    int deleteEndedBefore(Instant before) {
        return jdbc.sql("""
                delete from oauth2_authorization
                where coalesce(authorization_code_expires_at, access_token_expires_at, refresh_token_expires_at,
                               oidc_id_token_expires_at, user_code_expires_at, device_code_expires_at) is not null
                and (authorization_code_expires_at is null or authorization_code_expires_at < :before)
                and (access_token_expires_at is null or access_token_expires_at < :before)
                and (refresh_token_expires_at is null or refresh_token_expires_at < :before)
                and (oidc_id_token_expires_at is null or oidc_id_token_expires_at < :before)
                and (user_code_expires_at is null or user_code_expires_at < :before)
                and (device_code_expires_at is null or device_code_expires_at < :before)""")
                .param("before", Db.ts(before)).update();
    }
}

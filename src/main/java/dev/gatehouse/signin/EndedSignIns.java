package dev.gatehouse.signin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.gatehouse.system.Db;

/**
 * The sign-ins whose session was ended on its own ({@link Sessions#endOther}, {@link Sessions#endByReference},
 * {@link Sessions#endThisSignIn}), by
 * {@link SignedInUser#signIn()}: a copy of that session that a request in flight made afterwards, and whatever an
 * application was granted in it, is refused at its next use. A row is kept as long as either could still be used (the
 * session's absolute lifetime, and a day), then deleted hourly on every node; the delete is the same on each.
 */
@Component
class EndedSignIns {

    private static final Logger log = LoggerFactory.getLogger(EndedSignIns.class);

    private final JdbcClient jdbc;
    private final Clock systemClock;
    private final Duration kept;

    /**
     * On the system clock, not the application's: only a row's existence is read, and a test that moves the
     * application's clock by days must not make the hourly delete take rows early.
     */
    @Autowired
    EndedSignIns(JdbcClient jdbc, SessionProperties properties) {
        this(jdbc, properties, Clock.systemUTC());
    }

    EndedSignIns(JdbcClient jdbc, SessionProperties properties, Clock systemClock) {
        this.jdbc = jdbc;
        this.systemClock = systemClock;
        // A session lasts at most its absolute lifetime from its sign-in, and so does an application's refresh of what
        // was granted in it; an access token made at the last moment lasts minutes more. A day on top covers both.
        this.kept = properties.absoluteLifetime().plus(Duration.ofDays(1));
    }

    void end(UUID userId, String signIn) {
        jdbc.sql("insert into ended_sign_ins (sign_in, user_id, ended_at) values (?, ?, ?) on conflict do nothing")
                .params(signIn, userId, Db.ts(systemClock.instant())).update();
    }

    /** Whether the sign-in was ended on its own. */
    boolean contains(String signIn) {
        return jdbc.sql("select count(*) from ended_sign_ins where sign_in = ?").param(signIn).query(Long.class)
                .single() > 0;
    }

    /** The user's ended sign-ins still remembered. */
    Set<String> of(UUID userId) {
        return new HashSet<>(jdbc.sql("select sign_in from ended_sign_ins where user_id = ?").param(userId)
                .query(String.class).list());
    }

    /**
     * The user's sessions generation, read with whether {@code signIn} was ended, in one indexed read: empty when the
     * user is gone or the sign-in was ended.
     */
    Optional<Long> generationUnlessEnded(UUID userId, String signIn) {
        return jdbc.sql("""
                select sessions_generation from users where id = ?
                and not exists (select 1 from ended_sign_ins where sign_in = ?)""")
                .params(userId, signIn).query(Long.class).optional();
    }

    @Scheduled(initialDelayString = "PT5M", fixedDelayString = "PT1H")
    void deleteOld() {
        int deleted = deleteEndedBefore(systemClock.instant().minus(kept));
        log.debug("Deleted {} ended sign-ins", deleted);
    }

    int deleteEndedBefore(Instant before) {
        return jdbc.sql("delete from ended_sign_ins where ended_at < ?").param(Db.ts(before)).update();
    }
}

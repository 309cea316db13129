package dev.gatehouse.user;

import java.time.Instant;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.gatehouse.system.Db;

/**
 * The wrong-password counter of one email address (its keyed hash), shared by all nodes through the database.
 *
 * <p>Same shape as the wrong-code counter: a password is only checked after {@link #reserve} took one of the allowed
 * attempts with a single conditional UPDATE, and the attempt counts as a failure until {@link #succeeded} clears it.
 * So however many guesses arrive at once, on however many nodes, at most {@code maxFailures} are checked before the
 * pause.
 */
@Component
class PasswordAttempts {

    private final JdbcClient jdbc;
    private final PasswordProperties.Throttle throttle;

    PasswordAttempts(JdbcClient jdbc, PasswordProperties properties) {
        this.jdbc = jdbc;
        this.throttle = properties.throttle();
    }

    /** Empty when the password may be checked now, else the end of the pause. */
    Optional<Instant> reserve(String subject, Instant now) {
        int granted = take(subject, now);
        Optional<State> found = granted == 1 ? Optional.empty() : state(subject);
        if (granted == 0 && found.isEmpty()) {
            // The address's first check (or the first after a quiet day): create its counter, also under races.
            jdbc.sql("insert into password_attempts (subject, updated_at) values (?, ?) on conflict do nothing")
                    .params(subject, Db.ts(now)).update();
            granted = take(subject, now);
            found = granted == 1 ? Optional.empty() : state(subject);
        }
        if (granted == 1) {
            return Optional.empty();
        }
        State state = found.orElseThrow();
        if (state.lockedUntil() != null && state.lockedUntil().isAfter(now)) {
            return Optional.of(state.lockedUntil());
        }
        // The attempts are used up and the pause is being placed by the request that failed last: report its end.
        return Optional.of(now.plus(throttle.lockDuration(state.lockCount())));
    }

    private int take(String subject, Instant now) {
        return jdbc.sql("""
                update password_attempts set failures = failures + 1, updated_at = ?
                where subject = ? and failures < ? and (locked_until is null or locked_until <= ?)""")
                .params(Db.ts(now), subject, throttle.maxFailures(), Db.ts(now))
                .update();
    }

    /** A right password: the count and the growing pause start over. */
    void succeeded(String subject, Instant now) {
        jdbc.sql("update password_attempts set failures = 0, lock_count = 0, locked_until = null, updated_at = ?"
                + " where subject = ?").params(Db.ts(now), subject).update();
    }

    /** A pause placed by {@link #failed}; {@code first} when it is the first of a run (the one worth an email). */
    record Pause(Instant until, boolean first) {
    }

    /**
     * A wrong password (its attempt was already counted by {@link #reserve}). When that used up the attempts, places
     * the pause with a compare-and-set on the lock count, so of several failing requests exactly one places it.
     */
    Optional<Pause> failed(String subject, Instant now) {
        State state = state(subject).orElseThrow();
        if (state.failures() < throttle.maxFailures()) {
            return Optional.empty();
        }
        Instant until = now.plus(throttle.lockDuration(state.lockCount()));
        int placed = jdbc.sql("""
                update password_attempts set locked_until = ?, lock_count = lock_count + 1, failures = 0, updated_at = ?
                where subject = ? and failures >= ? and lock_count = ?""")
                .params(Db.ts(until), Db.ts(now), subject, throttle.maxFailures(), state.lockCount())
                .update();
        return placed == 1 ? Optional.of(new Pause(until, state.lockCount() == 0)) : Optional.empty();
    }

    /** Forgets counters left alone for a day whose pause is over; the growing pause starts over after a quiet day. */
    int deleteQuietSince(Instant before, Instant now) {
        return jdbc.sql("delete from password_attempts where updated_at < ? and (locked_until is null or locked_until < ?)")
                .params(Db.ts(before), Db.ts(now)).update();
    }

    private Optional<State> state(String subject) {
        return jdbc.sql("select failures, lock_count, locked_until from password_attempts where subject = ?")
                .param(subject)
                .query((rs, n) -> new State(rs.getInt(1), rs.getInt(2), Db.instant(rs, "locked_until")))
                .optional();
    }

    private record State(int failures, int lockCount, Instant lockedUntil) {
    }
}

package dev.gatehouse.factor;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.gatehouse.system.Db;

/**
 * The per-user wrong-code counter (DESIGN.md invariant 2), shared by all nodes through the database.
 *
 * <p>A code is only evaluated after {@link #reserve} took one of the allowed attempts with a single conditional
 * UPDATE: the attempt counts as a failure until {@link #succeeded} clears it. So however many guesses arrive at once,
 * on however many nodes, at most {@code maxFailures} are ever evaluated before the lock.
 */
@Component
class CodeAttempts {

    private final JdbcClient jdbc;
    private final LockoutProperties properties;

    CodeAttempts(JdbcClient jdbc, LockoutProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    sealed interface Reservation {
        record Granted() implements Reservation { }
        record Locked(Instant until) implements Reservation { }
        record Suspended() implements Reservation { }
    }

    record State(int failures, int consecutiveFailures, int lockCount, Instant lockedUntil) {
    }

    /** Creates the user's counter if it does not exist yet; harmless when it does (also under races). */
    void ensure(UUID userId) {
        jdbc.sql("insert into code_attempts (user_id) values (?) on conflict do nothing").param(userId).update();
    }

    Reservation reserve(UUID userId, Instant now) {
        ensure(userId);
        int granted = jdbc.sql("""
                update code_attempts set failures = failures + 1, consecutive_failures = consecutive_failures + 1
                where user_id = ? and failures < ? and consecutive_failures < ?
                  and (locked_until is null or locked_until <= ?)""")
                .params(userId, properties.maxFailures(), properties.suspendAfter(), Db.ts(now))
                .update();
        if (granted == 1) {
            return new Reservation.Granted();
        }
        State state = state(userId).orElseThrow();
        if (state.consecutiveFailures() >= properties.suspendAfter()) {
            return new Reservation.Suspended();
        }
        if (state.lockedUntil() != null && state.lockedUntil().isAfter(now)) {
            return new Reservation.Locked(state.lockedUntil());
        }
        // The attempts are used up and the lock is being placed by the request that failed last: report its wait.
        return new Reservation.Locked(now.plus(properties.lockDuration(state.lockCount())));
    }

    /** A right code: the counts and the growing wait start over. */
    void succeeded(UUID userId) {
        jdbc.sql("""
                update code_attempts set failures = 0, consecutive_failures = 0, lock_count = 0,
                  suspension_noted = false where user_id = ?""")
                .param(userId).update();
    }

    /**
     * A wrong code (its attempt was already counted by {@link #reserve}). When that used up the attempts, places the
     * lock with a compare-and-set on the lock count, so of several failing requests exactly one places it.
     *
     * @return the end of the lock this call placed, or empty
     */
    Optional<Instant> failed(UUID userId, Instant now) {
        State state = state(userId).orElseThrow();
        if (state.failures() < properties.maxFailures()) {
            return Optional.empty();
        }
        Instant until = now.plus(properties.lockDuration(state.lockCount()));
        int placed = jdbc.sql("""
                update code_attempts set locked_until = ?, lock_count = lock_count + 1, failures = 0
                where user_id = ? and failures >= ? and lock_count = ?""")
                .params(Db.ts(until), userId, properties.maxFailures(), state.lockCount())
                .update();
        return placed == 1 ? Optional.of(until) : Optional.empty();
    }

    Optional<State> state(UUID userId) {
        return jdbc.sql("""
                select failures, consecutive_failures, lock_count, locked_until from code_attempts where user_id = ?""")
                .param(userId)
                .query((rs, n) -> new State(rs.getInt(1), rs.getInt(2), rs.getInt(3), Db.instant(rs, "locked_until")))
                .optional();
    }

    /** Locked or Suspended when code entry is refused for the user right now; reads only, counts nothing. */
    Optional<CodeCheck> blocked(UUID userId, Instant now) {
        return state(userId).flatMap(s -> {
            if (s.consecutiveFailures() >= properties.suspendAfter()) {
                return Optional.of(new CodeCheck.Suspended());
            }
            if (s.lockedUntil() != null && s.lockedUntil().isAfter(now)) {
                return Optional.of(new CodeCheck.Locked(s.lockedUntil()));
            }
            return Optional.empty();
        });
    }

    int remaining(UUID userId) {
        return state(userId).map(s -> Math.max(0, properties.maxFailures() - s.failures()))
                .orElse(properties.maxFailures());
    }

    /**
     * True for exactly one caller once the consecutive failures reached the ceiling (a compare-and-set), so the
     * suspension is recorded once however many wrong codes race past it.
     */
    boolean noteSuspension(UUID userId) {
        return jdbc.sql("""
                update code_attempts set suspension_noted = true
                where user_id = ? and consecutive_failures >= ? and suspension_noted = false""")
                .params(userId, properties.suspendAfter()).update() == 1;
    }

    boolean suspended(UUID userId) {
        return state(userId).map(s -> s.consecutiveFailures() >= properties.suspendAfter()).orElse(false);
    }
}

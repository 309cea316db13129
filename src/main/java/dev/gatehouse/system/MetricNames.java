package dev.gatehouse.system;

import java.util.Locale;

/**
 * The names of Gatehouse's own metrics (docs/operations.md, "Metrics"), and the one way to turn an outcome into a
 * tag value. A tag value comes from a closed set (an outcome type, a method type, a channel): never a user id, an
 * address, an IP or anything else a client chooses, since each new value is a new time series kept in memory on every
 * node and in Prometheus.
 */
public final class MetricNames {

    /** Sign-in steps: {@code step} (password, second_factor), {@code outcome}, {@code method}, {@code amr}. */
    public static final String SIGN_IN = "gatehouse.signin";
    /** Guarded code checks: {@code outcome} (accepted, wrong, locked, suspended, error), {@code method}. */
    public static final String CODE_CHECKS = "gatehouse.code.checks";
    /** Locks placed: {@code kind} (code_entry, code_methods_suspended, password). */
    public static final String LOCKOUTS = "gatehouse.lockouts";
    /** Pending outbox messages, per {@code channel}; the same on every node (the outbox is shared). */
    public static final String OUTBOX_DEPTH = "gatehouse.outbox.depth";
    /** Age in seconds of the oldest pending outbox message, per {@code channel}; 0 when none is pending. */
    public static final String OUTBOX_OLDEST_AGE = "gatehouse.outbox.oldest.age";
    /** Failed deliveries: {@code channel}, {@code outcome} (retrying, gave_up). */
    public static final String DELIVERY_FAILURES = "gatehouse.delivery.failures";
    /** Argon2id time: {@code operation} (hash, verify). */
    public static final String PASSWORD_HASH = "gatehouse.password.hash";
    /** Requests waiting now for a turn to hash (the hashing gate's queue) on this node. */
    public static final String PASSWORD_QUEUE = "gatehouse.password.queue";
    /** Time a request waited for its turn to hash (zero when a turn was free). */
    public static final String PASSWORD_WAIT = "gatehouse.password.wait";
    /** Requests refused as busy: the hashing queue was full or the wait ran out. */
    public static final String PASSWORD_BUSY = "gatehouse.password.busy";

    private MetricNames() {
    }

    /** {@code SecondFactorRequired} → {@code second_factor_required}: an outcome type's name as a tag value. */
    public static String tag(Class<?> outcome) {
        return snake(outcome.getSimpleName());
    }

    /** A method type's or channel's name as a tag value: lower case, {@code BACKUP_CODE} → {@code backup_code}. */
    public static String tag(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}

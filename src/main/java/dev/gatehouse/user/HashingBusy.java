package dev.gatehouse.user;

import java.time.Duration;

/**
 * This node is hashing as many passwords as it has cores, with a full queue behind them: the request was refused
 * before it checked, counted or wrote anything, and may simply be sent again in a few seconds. The web layer answers
 * it with 503 and {@code Retry-After}.
 *
 * <p>An exception rather than one more outcome in every flow that hashes (sign-in, re-confirmation, password change
 * and reset, sign-up, invitation): like a database that does not answer, it is the server's state, not the
 * request's, and it must leave every one of those flows the same way, at once, with nothing done.
 */
public final class HashingBusy extends RuntimeException {

    /** How long a client is told to wait before trying again. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    HashingBusy() {
        super("Password hashing is at its limit on this node", null, false, false);
    }
}

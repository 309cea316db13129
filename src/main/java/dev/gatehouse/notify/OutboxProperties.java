package dev.gatehouse.notify;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The outbox relay, which delivers queued messages on every node.
 *
 * @param pollInterval   the pause between two polls for due messages; default 1 second, which is also the usual delay
 *                       between a change and its email leaving
 * @param initialBackoff the wait after the first failed attempt; default 10 seconds, doubling with each further
 *                       failure
 * @param maxBackoff     the longest wait between two attempts; default 10 minutes
 * @param maxAttempts    attempts before a message is given up (status FAILED); default 10, which with the defaults
 *                       keeps trying for about an hour
 * @param claimTimeout   how long a node owns a message it is sending; another node retries it after that (for a node
 *                       that died mid-send), so it must be longer than one delivery can take (the SMTP timeouts);
 *                       default 1 minute
 * @param retention      how long a message in a final state (sent, expired, failed) is kept, for support, before it
 *                       is deleted with its address or number; default 7 days
 * @param senders        sender threads per channel on each node; default 2. Each channel has its own, so a gateway
 *                       that hangs holds only its own channel's senders; more than one lets a slow provider's
 *                       messages go out side by side
 */
@ConfigurationProperties("gatehouse.outbox")
record OutboxProperties(@DefaultValue("1s") Duration pollInterval,
                        @DefaultValue("10s") Duration initialBackoff,
                        @DefaultValue("10m") Duration maxBackoff,
                        @DefaultValue("10") int maxAttempts,
                        @DefaultValue("1m") Duration claimTimeout,
                        @DefaultValue("7d") Duration retention,
                        @DefaultValue("2") int senders) {

    OutboxProperties {
        requirePositive(pollInterval, "poll-interval");
        requirePositive(initialBackoff, "initial-backoff");
        requirePositive(maxBackoff, "max-backoff");
        requirePositive(claimTimeout, "claim-timeout");
        requirePositive(retention, "retention");
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("gatehouse.outbox.max-backoff must not be shorter than initial-backoff");
        }
        if (senders < 1) {
            throw new IllegalArgumentException("gatehouse.outbox.senders must be at least 1, not " + senders);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("gatehouse.outbox.max-attempts must be at least 1, not " + maxAttempts);
        }
    }

    /** The wait after failed attempt number {@code attempts} (1 for the first): doubling, capped. */
    Duration backoff(int attempts) {
        return dev.gatehouse.system.Doubling.capped(initialBackoff, maxBackoff, attempts - 1);
    }

    private static void requirePositive(Duration d, String key) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("gatehouse.outbox." + key + " must be a positive duration, not " + d);
        }
    }
}

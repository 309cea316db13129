package dev.gatehouse.factor;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The wrong-code lockout shared by every code method.
 *
 * @param maxFailures   wrong codes in a row that lock code entry; default 6
 * @param firstLock     the first wait; default 5 minutes, doubling with each further lock
 * @param maxLock       the longest wait; default 1 hour
 * @param suspendAfter  consecutive wrong codes (across locks) that suspend code methods until recovery; default 100,
 *                      NIST SP 800-63B's ceiling
 */
@ConfigurationProperties("gatehouse.lockout")
public record LockoutProperties(@DefaultValue("6") int maxFailures, @DefaultValue("5m") Duration firstLock,
                                @DefaultValue("1h") Duration maxLock, @DefaultValue("100") int suspendAfter) {

    public LockoutProperties {
        if (maxFailures < 1 || suspendAfter < maxFailures) {
            throw new IllegalArgumentException("gatehouse.lockout: max-failures must be at least 1 and suspend-after"
                    + " at least max-failures");
        }
        if (firstLock == null || firstLock.isNegative() || firstLock.isZero()) {
            throw new IllegalArgumentException("gatehouse.lockout.first-lock must be a positive duration");
        }
        if (maxLock == null || maxLock.compareTo(firstLock) < 0) {
            throw new IllegalArgumentException("gatehouse.lockout.max-lock must be at least first-lock");
        }
    }

    /** The wait of the lock number {@code lockCount} (0 for the first): doubling, capped. */
    Duration lockDuration(int lockCount) {
        return dev.gatehouse.system.Doubling.capped(firstLock, maxLock, lockCount);
    }
}

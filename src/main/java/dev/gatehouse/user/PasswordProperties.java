package dev.gatehouse.user;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Password rules and hashing cost.
 *
 * @param minLength shortest accepted password in characters; default 8 (NIST SP 800-63B)
 * @param maxLength longest accepted password in characters; default 128
 * @param argon2    Argon2id cost; defaults are OWASP's (19 MiB, 2 passes, 1 lane), about 60 ms a hash on one core here
 * @param throttle  the pause on password checks after wrong passwords for one email address
 * @param hashing   how many hashes run at once on a node, and how many requests may wait for one
 */
@ConfigurationProperties("gatehouse.password")
public record PasswordProperties(@DefaultValue("8") int minLength, @DefaultValue("128") int maxLength,
                                 @DefaultValue Argon2 argon2, @DefaultValue Throttle throttle,
                                 @DefaultValue Hashing hashing) {

    /**
     * The gate in front of every Argon2 hash and check ({@link HashingGate}). A request that finds the queue full,
     * or waits {@code maxWait} without its turn, is answered "busy, try again in a few seconds" (503) having done
     * nothing.
     *
     * @param concurrency hashes at once; default 0, meaning the number of processors the JVM sees (its container
     *                    limit included), but no more than the heap holds besides the application
     *                    ({@link #APPLICATION_HEAP}): more only share the same cores and hold more memory
     * @param queue       requests that may wait for a hash; default 64 (two cores clear that many OWASP-cost hashes
     *                    in about a second)
     * @param maxWait     the longest one waits; default 5 seconds (a busy machine shared with other work can take
     *                    a second or two per turn with a queue of sign-ins)
     */
    public record Hashing(@DefaultValue("0") int concurrency, @DefaultValue("64") int queue,
                          @DefaultValue("5s") Duration maxWait) {

        public Hashing {
            if (concurrency < 0 || queue < 0 || maxWait == null || maxWait.isNegative()) {
                throw new IllegalArgumentException("gatehouse.password.hashing: concurrency and queue must not be"
                        + " negative, max-wait must be a duration of 0 or more");
            }
        }

        /** The heap the application needs besides the hashes' memory (measured: docs/benchmarks.md). */
        static final long APPLICATION_HEAP = 128L << 20;

        /**
         * {@code concurrency}; when it is 0, the processors available, but at most as many hashes of
         * {@code memoryKib} as fit in {@code maxHeap} besides the application, and at least 1.
         */
        int permits(int memoryKib, long maxHeap) {
            if (concurrency > 0) {
                return concurrency;
            }
            long fit = (maxHeap - APPLICATION_HEAP) / (memoryKib * 1024L);
            return (int) Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), fit));
        }
    }

    /**
     * Online guessing of one address's password: after {@code maxFailures} wrong passwords in a row (at sign-in,
     * re-confirmation or password change, from any browser or node) no password for that address is checked until a
     * pause ends; the pause doubles with each further run of failures, up to {@code maxLock}. Unknown addresses are
     * paused the same way, so a pause tells nothing about who has an account here.
     *
     * @param maxFailures wrong passwords in a row before a pause; default 10
     * @param firstLock   the first pause; default 1 minute
     * @param maxLock     the longest pause; default 15 minutes (so at most about a thousand guesses a day)
     * @param network     wrong passwords at sign-in from one network (an IPv4 address, an IPv6 /64), whatever
     *                    addresses they were for
     */
    public record Throttle(@DefaultValue("10") int maxFailures, @DefaultValue("1m") Duration firstLock,
                           @DefaultValue("15m") Duration maxLock, @DefaultValue Network network) {

        public Throttle {
            if (maxFailures < 1) {
                throw new IllegalArgumentException("gatehouse.password.throttle.max-failures must be at least 1");
            }
            if (firstLock == null || firstLock.isNegative() || firstLock.isZero()
                    || maxLock == null || maxLock.compareTo(firstLock) < 0) {
                throw new IllegalArgumentException("gatehouse.password.throttle: first-lock must be a positive"
                        + " duration and max-lock at least first-lock");
            }
        }

        /**
         * Guessing from one network across many addresses (password spraying), which the per-address pause alone
         * does not see: at sign-in, at most {@code failuresPerWindow} wrong passwords per {@code window} and
         * {@code failuresPerDay} per UTC day from one network. Past either, sign-ins from that network are refused
         * without checking anything until the window ends; the addresses it tried are not paused by it, so their
         * owners, signing in from elsewhere, are not kept out. A right password does not count.
         *
         * @param window            default 10 minutes
         * @param failuresPerWindow default 30 (one office behind one address mistyping a lot stays well under it)
         * @param failuresPerDay    default 300
         */
        public record Network(@DefaultValue("10m") Duration window, @DefaultValue("30") int failuresPerWindow,
                              @DefaultValue("300") int failuresPerDay) {
            public Network {
                if (window == null || window.toSeconds() < 1 || failuresPerWindow < 1 || failuresPerDay < 1) {
                    throw new IllegalArgumentException("gatehouse.password.throttle.network: window must be at least"
                            + " 1 s, failures-per-window and failures-per-day at least 1");
                }
            }
        }

        /** The pause number {@code lockCount} (0 for the first): doubling, capped. */
        Duration lockDuration(int lockCount) {
            return dev.gatehouse.system.Doubling.capped(firstLock, maxLock, lockCount);
        }
    }

    /**
     * @param memoryKib   memory per hash in KiB; default 19456
     * @param iterations  passes over memory; default 2
     * @param parallelism lanes; default 1
     */
    public record Argon2(@DefaultValue("19456") int memoryKib, @DefaultValue("2") int iterations,
                         @DefaultValue("1") int parallelism) {

        public Argon2 {
            if (memoryKib < 8 * parallelism || iterations < 1 || parallelism < 1) {
                throw new IllegalArgumentException("gatehouse.password.argon2: memory-kib must be at least 8 x parallelism,"
                        + " iterations and parallelism at least 1");
            }
        }
    }
}

package dev.gatehouse.user;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.gatehouse.system.MetricNames;

/**
 * Lets at most {@code permits} password hashes run at once on this node, so Argon2 never has more threads than there
 * are cores (more would only share the same cores, each hash slower, and hold more memory). Past the permits, up to
 * {@code queue} requests wait, each at most {@code maxWait}; past that a request is refused at once with
 * {@link HashingBusy}, before it did anything.
 *
 * <p>Reentrant per thread: work run by {@link #call} may call it again (a sign-in gate around the checks, the
 * hasher's own gate inside) and uses the permit it holds. Fair: the longest waiter gets the next permit.
 */
final class HashingGate {

    private final int permits;
    private final int queue;
    private final Duration maxWait;
    private final Semaphore semaphore;
    private final AtomicInteger waiting = new AtomicInteger();
    private final ThreadLocal<int[]> held = ThreadLocal.withInitial(() -> new int[1]);
    private final Timer waits;
    private final Counter refusals;

    HashingGate(int permits, int queue, Duration maxWait, MeterRegistry meters) {
        if (permits < 1 || queue < 0 || maxWait == null || maxWait.isNegative()) {
            throw new IllegalArgumentException("HashingGate: permits must be at least 1, queue at least 0, max-wait"
                    + " not negative");
        }
        this.permits = permits;
        this.queue = queue;
        this.maxWait = maxWait;
        this.semaphore = new Semaphore(permits, true);
        Gauge.builder(MetricNames.PASSWORD_QUEUE, waiting, AtomicInteger::get).register(meters);
        this.waits = Timer.builder(MetricNames.PASSWORD_WAIT).register(meters);
        this.refusals = Counter.builder(MetricNames.PASSWORD_BUSY).register(meters);
    }

    /**
     * Runs {@code work} holding a permit. Throws {@link HashingBusy} without running it when the queue is full or
     * the wait ran out (or the thread was interrupted while waiting, its interrupt flag then set again).
     */
    <T> T call(Supplier<T> work) {
        int[] depth = held.get();
        if (depth[0] > 0) {
            return enterHeld(depth, work);
        }
        acquire();
        try {
            return enterHeld(depth, work);
        } finally {
            semaphore.release();
        }
    }

    private <T> T enterHeld(int[] depth, Supplier<T> work) {
        depth[0]++;
        try {
            return work.get();
        } finally {
            depth[0]--;
        }
    }

    private void acquire() {
        try {
            if (semaphore.tryAcquire(0, TimeUnit.NANOSECONDS)) { // honours fairness: no barging past those waiting
                waits.record(Duration.ZERO);
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            refused();
        }
        if (waiting.incrementAndGet() > queue) {
            waiting.decrementAndGet();
            refused();
        }
        long start = System.nanoTime();
        boolean acquired = false;
        try {
            acquired = semaphore.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            waiting.decrementAndGet();
        }
        waits.record(Duration.ofNanos(System.nanoTime() - start));
        if (!acquired) {
            refused();
        }
    }

    private void refused() {
        refusals.increment();
        throw new HashingBusy();
    }

    /** Requests waiting for a permit now. */
    int waiting() {
        return waiting.get();
    }

    int permits() {
        return permits;
    }

    /** Permits free now. */
    int available() {
        return semaphore.availablePermits();
    }
}

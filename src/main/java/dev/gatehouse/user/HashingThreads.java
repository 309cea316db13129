package dev.gatehouse.user;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The threads password hashes run on: one per {@link HashingGate} permit, at the lowest Java priority, so that on a
 * busy node the rest of a sign-in (a code check, a page, a session write: a few milliseconds each) goes first and the
 * hashes take the CPU left over. Hashes are not fewer for it, only later, as long as the rest of the work leaves some
 * CPU over (against cheap work that fills every core a hash gets about a tenth of a core: docs/decisions.md); the gate
 * still allows one hash per core.
 *
 * <p>A Java priority reaches the operating system only with the shipped JVM flags
 * ({@code -XX:ThreadPriorityPolicy=1 -XX:JavaPriority1_To_OSPriority=10}: nice 10 on Linux, which any user may set
 * for its own threads; without them the priority is a no-op and hashes compete as before). The hashes get threads of
 * their own because a request thread could lower its priority for a hash but, without privileges, never raise it
 * again.
 */
final class HashingThreads implements AutoCloseable {

    /** The start of each hashing thread's name, followed by its number. */
    static final String NAME = "password-hashing-";

    private final ExecutorService threads;

    HashingThreads(int count) {
        AtomicInteger made = new AtomicInteger();
        ThreadFactory factory = work -> {
            Thread thread = new Thread(work, NAME + made.incrementAndGet());
            thread.setDaemon(true);
            thread.setPriority(Thread.MIN_PRIORITY);
            return thread;
        };
        this.threads = Executors.newFixedThreadPool(count, factory);
    }

    /**
     * Runs {@code work} on a hashing thread and returns its result, or throws what it threw. Throws
     * {@link HashingBusy} when the calling thread is interrupted while it waits (once the hash ended, its interrupt
     * flag then set again), as the gate does, and when the node is stopping.
     */
    <T> T run(Supplier<T> work) {
        Future<T> result;
        try {
            result = threads.submit(work::get);
        } catch (RejectedExecutionException stopping) {
            throw new HashingBusy();
        }
        try {
            return result.get();
        } catch (InterruptedException e) {
            awaitEnd(result);
            Thread.currentThread().interrupt();
            throw new HashingBusy();
        } catch (CancellationException e) {
            throw new HashingBusy();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        }
    }

    /**
     * Waits, interrupts or not, until that hash ended: Argon2 does not stop when asked, and its caller holds the
     * permit that stands for it (released sooner, the next holder's hash would queue behind it, past the gate's
     * max-wait).
     */
    private static void awaitEnd(Future<?> result) {
        while (true) {
            try {
                result.get();
                return;
            } catch (InterruptedException again) {
                // the caller's flag is set again once the hash ended
            } catch (ExecutionException | CancellationException ended) {
                return;
            }
        }
    }

    /**
     * Stops the threads. A hash still queued for one is cancelled, so its caller gets {@link HashingBusy} instead of
     * waiting for ever: a pool of fixed size queues every hash handed over once its threads exist.
     */
    @Override
    public void close() {
        for (Runnable queued : threads.shutdownNow()) {
            ((Future<?>) queued).cancel(false);
        }
    }
}

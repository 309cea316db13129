package dev.gatehouse.reliability;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polling with a deadline: the suite waits for a condition, never for a fixed time that a loaded machine may miss. */
final class Waits {

    private Waits() {
    }

    /** Polls {@code condition} every 100 ms until it holds; fails naming {@code what} after {@code limit}. */
    static void until(Duration limit, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + limit.toSeconds() + " s: " + what);
            }
            pause();
        }
    }

    static void pause() {
        sleep(Duration.ofMillis(100));
    }

    /** A wait that is itself the thing tested (an outage's length), never a guess at how long something takes. */
    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

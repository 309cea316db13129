package dev.gatehouse.system;

import java.time.Duration;

/** A wait that doubles with each repetition up to a ceiling: lockouts, pauses and retry backoff share it. */
public final class Doubling {

    private Doubling() {
    }

    /** {@code first} doubled {@code times} times (0: {@code first} itself), never more than {@code max}. */
    public static Duration capped(Duration first, Duration max, int times) {
        Duration d = first;
        for (int i = 0; i < times && d.compareTo(max) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(max) > 0 ? max : d;
    }
}

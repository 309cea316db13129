package dev.gatehouse.web;

import java.time.Duration;
import java.time.Instant;

import jakarta.servlet.http.HttpServletResponse;

/** A page answered with 429 because something is paused: the status, and when to come back. */
public final class TooManyRequests {

    private TooManyRequests() {
    }

    /**
     * 429 with {@code Retry-After} in whole seconds until {@code until}, rounded up (a client that waits that long is
     * never early), at least 1.
     */
    public static void until(HttpServletResponse response, Instant now, Instant until) {
        response.setStatus(429);
        response.setHeader("Retry-After", String.valueOf(secondsUntil(now, until)));
    }

    /** Whole seconds from {@code now} until {@code until}, rounded up, at least 1: a {@code Retry-After} value. */
    public static long secondsUntil(Instant now, Instant until) {
        // Rounded up from the exact time, not from whole milliseconds: 1.0004 s is 2 (at 1 the client would be early).
        Duration left = Duration.between(now, until);
        return Math.max(1, left.getSeconds() + (left.getNano() > 0 ? 1 : 0));
    }
}

package dev.gatehouse.factor;

import java.time.Instant;

/** The outcome of checking a typed code, after lockout and replay protection. */
public sealed interface CodeCheck {

    record Accepted(EnrolledFactor factor) implements CodeCheck { }

    /** Wrong, expired or replayed code; {@code remaining} attempts are left before code entry locks. */
    record Wrong(int remaining) implements CodeCheck { }

    /** Code entry is locked until then; the code was not even looked at. */
    record Locked(Instant until) implements CodeCheck { }

    /** Too many wrong codes over time: code methods stay off until the user recovers their account. */
    record Suspended() implements CodeCheck { }

    /** The user has no active method of that type. */
    record NoSuchMethod() implements CodeCheck { }
}

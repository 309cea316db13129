package dev.gatehouse.signin;

import java.time.Instant;

/** The outcome of the second sign-in step. */
public sealed interface SecondFactorStep {

    record SignedIn(SignedInUser user) implements SecondFactorStep { }

    record WrongCode(int remaining) implements SecondFactorStep { }

    record Locked(Instant until) implements SecondFactorStep { }

    record Suspended() implements SecondFactorStep { }

    /** No sign-in is waiting for a second factor in this session (never started, expired, or already finished). */
    record NoPendingSignIn() implements SecondFactorStep { }
}

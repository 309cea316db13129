package dev.gatehouse.signin;

import java.time.Instant;

import dev.gatehouse.factor.CodeCheck;

/** The outcome of the second sign-in step. */
public sealed interface SecondFactorStep {

    record SignedIn(SignedInUser user) implements SecondFactorStep { }

    record WrongCode(int remaining) implements SecondFactorStep { }

    record Locked(Instant until) implements SecondFactorStep { }

    record Suspended() implements SecondFactorStep { }

    /** No sign-in is waiting for a second factor in this session (never started, expired, or already finished). */
    record NoPendingSignIn() implements SecondFactorStep { }

    /** What the user is told after a code that was not accepted (any other check counts as a wrong code). */
    static SecondFactorStep refused(CodeCheck check) {
        if (check instanceof CodeCheck.Locked locked) {
            return new Locked(locked.until());
        }
        if (check instanceof CodeCheck.Suspended) {
            return new Suspended();
        }
        return new WrongCode(check instanceof CodeCheck.Wrong wrong ? wrong.remaining() : 0);
    }
}

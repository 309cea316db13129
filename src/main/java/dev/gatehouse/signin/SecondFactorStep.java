package dev.gatehouse.signin;

import java.time.Instant;

import dev.gatehouse.factor.CodeCheck;
import dev.gatehouse.factor.SecondFactorMethod;

/** The outcome of the second sign-in step. */
public sealed interface SecondFactorStep {

    record SignedIn(SignedInUser user) implements SecondFactorStep { }

    record WrongCode(int remaining) implements SecondFactorStep { }

    record Locked(Instant until) implements SecondFactorStep { }

    record Suspended() implements SecondFactorStep { }

    /**
     * Not proved for a reason other than a wrong code (a security key's answer that failed its checks);
     * {@code messageKey} says why, {@code malformed} when the answer was not even well-formed.
     */
    record Problem(String messageKey, boolean malformed) implements SecondFactorStep { }

    /** No sign-in is waiting for a second factor in this session (never started, expired, or already finished). */
    record NoPendingSignIn() implements SecondFactorStep { }

    /** What the user is told after an answer that did not prove the factor. */
    static SecondFactorStep of(SecondFactorMethod.Finish finish) {
        if (finish instanceof SecondFactorMethod.Finish.Refused refused) {
            return refused(refused.why());
        }
        if (finish instanceof SecondFactorMethod.Finish.Problem problem) {
            return new Problem(problem.messageKey(), problem.malformed());
        }
        if (finish instanceof SecondFactorMethod.Finish.Expired) {
            return new Problem("step.expired", false);
        }
        throw new IllegalArgumentException("a proved factor is not refused");
    }

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

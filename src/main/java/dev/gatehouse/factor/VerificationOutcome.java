package dev.gatehouse.factor;

/** What a method decided about a response at sign-in or re-confirmation. */
public sealed interface VerificationOutcome {

    /**
     * The response is right. {@code usedStep} (TOTP) must then be recorded with an atomic compare-and-set that only
     * succeeds when it is newer than the stored step; null for methods without steps.
     */
    record Accepted(Long usedStep) implements VerificationOutcome {
    }

    record Rejected() implements VerificationOutcome {
    }
}

package dev.gatehouse.factor;

/** What a method decided about an enrolment response. */
public sealed interface EnrollmentOutcome {

    /** Store this: the core writes the row, the audit event and the email in one transaction. */
    record Enrolled(String label, String sealedSecret, String publicData, Long lastUsedStep) implements EnrollmentOutcome {
    }

    /** The response did not prove the user holds the factor; {@code problemKey} is a message key. */
    record Rejected(String problemKey) implements EnrollmentOutcome {
    }
}

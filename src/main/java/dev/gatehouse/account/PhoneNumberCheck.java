package dev.gatehouse.account;

import java.util.Objects;

/**
 * Reads a phone number an owner or admin typed for a member, by the same rules as a number for text-message codes
 * (the deployment's country allow-list, mobile numbers only). The account layer asks; the text-message method, which
 * sits above it, answers (so the two can never disagree about what a valid number is).
 */
public interface PhoneNumberCheck {

    /** Whether this deployment can send text messages at all (a gateway is configured). */
    boolean textMessagesAvailable();

    /**
     * Never throws for anything a client sent. {@code region} (ISO 3166, may be null) is the country of a number typed
     * without its international prefix.
     */
    Result check(String typed, String region);

    sealed interface Result {
        /** @param e164 the number to store, e.g. {@code +447400123456} */
        record Valid(String e164) implements Result {
            public Valid {
                Objects.requireNonNull(e164, "e164");
            }
        }

        /** @param problemKey the message key that says what is wrong */
        record Invalid(String problemKey) implements Result {
            public Invalid {
                Objects.requireNonNull(problemKey, "problemKey");
            }
        }
    }
}

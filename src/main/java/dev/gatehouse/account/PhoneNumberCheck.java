package dev.gatehouse.account;

import java.util.Objects;

/**
 * Reads a mobile number someone typed (at sign-up, or an owner or admin for a member they invite) with the
 * text-message method's own rules: well formed, able to receive text messages, from an allowed country. The account
 * layer asks; the text-message method, which sits above it, answers, so the two can never disagree about what a valid
 * number is, and the account layer still names no method.
 */
public interface PhoneNumberCheck {

    /** Whether text messages can be sent from this deployment at all (an SMS gateway is configured). */
    boolean available();

    /**
     * {@code typed} as E.164, or what is wrong with it. Never throws for anything a client sent. {@code region}
     * (ISO 3166, may be null) is the country of a number typed without its international prefix.
     */
    Result check(String typed, String region);

    /** {@link #check(String, String)} for a form with no country list: the number must carry its + code. */
    default Result check(String typed) {
        return check(typed, null);
    }

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

package dev.gatehouse.account;

/**
 * Reads a mobile number someone typed with the text-message method's own rules (well formed, able to receive text
 * messages, from an allowed country), so that a number the account layer accepts is one codes can be sent to. The
 * text-message method provides it; the account layer does not know methods.
 */
public interface PhoneNumberCheck {

    /** Whether text messages can be sent from this deployment at all (an SMS gateway is configured). */
    boolean available();

    /** {@code typed} as E.164, or what is wrong with it. Never throws for anything a client sent. */
    Result check(String typed);

    sealed interface Result {
        /** @param e164 e.g. {@code +447400123456} */
        record Valid(String e164) implements Result { }

        /** @param problemKey the message key saying what is wrong */
        record Invalid(String problemKey) implements Result { }
    }
}

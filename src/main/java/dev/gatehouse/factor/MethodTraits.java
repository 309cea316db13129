package dev.gatehouse.factor;

import java.util.Objects;

/**
 * What a method is, declared by the method itself, so that sign-in, re-confirmation, the Security tab and (later) the
 * account's rules and the {@code amr} claim ask it instead of naming it.
 *
 * @param displayName        the English name used in emails; pages use the message key {@code factor.<TYPE>}
 * @param amr                its Authentication Method Reference (RFC 8176), e.g. {@code otp}, {@code sms}, {@code hwk}
 * @param phishingResistant  whether a look-alike site cannot replay what the user gives (WebAuthn: bound to the origin)
 * @param answer             how the user answers at the second step
 * @param needsDestination   whether it sends codes somewhere the user sets up (an address, a phone number)
 * @param standalone         false for a method that only stands in for the others (backup codes): it is never the
 *                           primary method, never enrolled on its own, and goes when the last standalone one goes
 * @param signInPage         the page of the second step for this method, or null for the shared code page
 *                           ({@code /signin/verify?method=<TYPE>})
 * @param settingsFragment   the Thymeleaf fragment of its card on the Security tab, e.g. {@code settings/totp :: card}
 */
public record MethodTraits(String displayName, String amr, boolean phishingResistant, Answer answer,
                           boolean needsDestination, boolean standalone, String signInPage,
                           String settingsFragment) {

    /** How the user answers the method at the second step. */
    public enum Answer {
        /** A code they read from something they hold (an app, a sheet of backup codes). */
        TYPED_CODE,
        /** A code Gatehouse sends them (an email, a text message). */
        SENT_CODE,
        /** A ceremony their browser runs with a device (WebAuthn); no code is typed. */
        DEVICE;

        /** Whether the answer is a code typed into the page (so it shares the wrong-code lockout). */
        public boolean typed() {
            return this != DEVICE;
        }
    }

    public MethodTraits {
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(amr, "amr");
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(settingsFragment, "settingsFragment");
    }
}

package dev.gatehouse.factor;

/** The kinds of second factor. Each has one {@link SecondFactorMethod} bean. */
public enum FactorType {
    TOTP("Authenticator app"),
    EMAIL("Email codes"),
    SMS("Text message codes"),
    WEBAUTHN("Security key or device");

    private final String displayName;

    FactorType(String displayName) {
        this.displayName = displayName;
    }

    /** The English name used in emails; pages use the message key {@code factor.<NAME>}. */
    public String displayName() {
        return displayName;
    }

    /** Methods the user answers by typing a code; they share the wrong-code lockout. */
    public boolean usesCodes() {
        return this != WEBAUTHN;
    }
}

package dev.gatehouse.factor.webauthn;

import java.text.Normalizer;
import java.util.Optional;

/**
 * The name a user gives a credential ("YubiKey on my keyring", "Work laptop"). Plain text: control and invisible
 * formatting characters (such as right-to-left overrides) are removed, runs of spaces become one, and it is at most
 * {@link #MAX_LENGTH} characters. Pages and emails always escape it; it is never markup.
 */
public record CredentialName(String value) {

    public static final int MAX_LENGTH = 64;

    public CredentialName {
        value = normalize(value);
        if (value.isEmpty() || value.codePointCount(0, value.length()) > MAX_LENGTH) {
            throw new IllegalArgumentException("name must be 1-" + MAX_LENGTH + " characters of text");
        }
    }

    /**
     * The message key of what is wrong with a typed name ({@code webauthn.name.required} or
     * {@code webauthn.name.tooLong}), or empty when it makes a valid name.
     */
    public static Optional<String> problem(String typed) {
        String normalized = normalize(typed);
        if (normalized.isEmpty()) {
            return Optional.of("webauthn.name.required");
        }
        if (normalized.codePointCount(0, normalized.length()) > MAX_LENGTH) {
            return Optional.of("webauthn.name.tooLong");
        }
        return Optional.empty();
    }

    static String normalize(String typed) {
        if (typed == null) {
            return "";
        }
        // Cut absurd input before the regular expressions see it, never inside a character (an emoji is two UTF-16
        // units: half of one would be stored and shown as "?"); the length rule still applies after.
        int cut = 4 * MAX_LENGTH;
        if (typed.length() > cut && Character.isHighSurrogate(typed.charAt(cut - 1))) {
            cut--;
        }
        String s = typed.length() > cut ? typed.substring(0, cut) : typed;
        s = Normalizer.normalize(s, Normalizer.Form.NFC);
        s = s.replaceAll("[\\p{Cc}\\p{Cf}\\p{Co}\\p{Cn}\\p{Cs}&&[^\\t\\n\\r]]", "");
        return s.replaceAll("[\\s\\p{Z}]+", " ").strip();
    }

    @Override
    public String toString() {
        return value;
    }
}

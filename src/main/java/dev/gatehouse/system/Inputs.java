package dev.gatehouse.system;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks for text that people type into forms. Each check returns the message key of the problem, or empty.
 * One place, so every form answers bad input the same way.
 */
public final class Inputs {

    public static final int EMAIL_MAX = 254;
    public static final int NAME_MAX = 100;

    // Deliberately simple: one @, something before it, a dot in the domain, no spaces or controls. Whether the
    // address really works is proved by the email sent to it, not by a regex. Nor any of RFC 5322's specials
    // ( ) < > , ; : \ " [ ]: they make a comment, a display name, a group or a quoted part around an address, which a
    // mail library reads as the plain address inside ("ada@example.com(2)" reaches ada@example.com), so each such
    // spelling would count as another address against every per-address limit (found by an outside attack, stop 31).
    // Nor Unicode spaces or invisible format characters (a no-break or zero-width space), which no address holds.
    private static final String ADDRESS_CHAR = "[^@\\s\\p{Cntrl}\\p{Z}\\p{Cf}()<>,;:\\\\\"\\[\\]]";
    private static final Pattern EMAIL = Pattern.compile("^" + ADDRESS_CHAR + "{1,64}@" + ADDRESS_CHAR + "+\\."
            + ADDRESS_CHAR + "+$");

    private Inputs() {
    }

    /** Trims, and maps null to the empty string. */
    public static String trim(String raw) {
        return raw == null ? "" : raw.strip();
    }

    /** The form of an email address that uniqueness is checked on. */
    public static String normalizeEmail(String email) {
        return trim(email).toLowerCase(Locale.ROOT);
    }

    public static Optional<String> emailProblem(String raw) {
        String email = trim(raw);
        if (email.isEmpty()) {
            return Optional.of("input.email.required");
        }
        if (email.length() > EMAIL_MAX) {
            return Optional.of("input.email.tooLong");
        }
        if (unreadable(email) || !EMAIL.matcher(email).matches() || email.contains("..") || email.startsWith(".")
                || email.endsWith(".") || email.contains(".@") || email.contains("@.")) {
            return Optional.of("input.email.invalid");
        }
        // Mail goes out with ASCII headers (mail.mime.allowutf8 off, so that any relay takes it): a domain in other
        // letters is sent in its ASCII form (IDNA), but a local part cannot be, and the mail library wrote each of
        // its characters as the low byte, delivering "vict\u0169m@..." to "victim@..." (found by an outside attack,
        // stop 31). Such an address is refused with its own message.
        if (!email.substring(0, email.lastIndexOf('@')).chars().allMatch(c -> c < 0x80)) {
            return Optional.of("input.email.asciiBeforeAt");
        }
        if (!mailableDomain(email.substring(email.lastIndexOf('@') + 1))) {
            return Optional.of("input.email.invalid");
        }
        return Optional.empty();
    }

    /**
     * Whether the domain is one the mail goes to as typed: ASCII letters, digits and hyphens (an {@code xn--} form
     * included), or other letters whose ASCII (IDNA) form reads back as the same domain. Not a domain that IDNA maps
     * to another: fullwidth letters, marks it deletes, or {@code ß} all come out as a plain ASCII domain
     * ({@code exａmple.com} as {@code example.com}, {@code faß.de} as {@code fass.de}), so each such spelling counted
     * as a new address while its mail reached the plain one, or a stranger's (found by an outside attack, stop 31).
     */
    private static boolean mailableDomain(String domain) {
        // The lower-cased domain, which is the one stored and mailed: 126 capital letters (Georgian ones, Ӏ) have an
        // ASCII form while their small letter has none, so the address was taken and its mail could not be sent.
        String typed = domain.toLowerCase(Locale.ROOT);
        String ascii;
        try {
            ascii = java.net.IDN.toASCII(typed, java.net.IDN.USE_STD3_ASCII_RULES);
        } catch (IllegalArgumentException notADomain) {
            return false;
        }
        // Compared exactly, never equalsIgnoreCase: that takes ſ for s and ς for σ, which IDNA maps to them on the
        // way out (found by the last re-attack in stop 31).
        return ascii.toLowerCase(Locale.ROOT).equals(typed)
                || java.net.IDN.toUnicode(ascii).toLowerCase(Locale.ROOT).equals(typed);
    }

    /** A display or account name: required, at most {@link #NAME_MAX} characters, no control characters. */
    public static Optional<String> nameProblem(String raw) {
        String name = trim(raw);
        if (name.isEmpty()) {
            return Optional.of("input.name.required");
        }
        if (name.codePointCount(0, name.length()) > NAME_MAX) {
            return Optional.of("input.name.tooLong");
        }
        if (unreadable(name) || name.chars().anyMatch(Character::isISOControl)) {
            return Optional.of("input.name.invalid");
        }
        return Optional.empty();
    }

    /**
     * True when the text holds U+FFFD, which is what the servlet container makes of bytes that are not UTF-8: the
     * person's input was damaged on the way, so we ask again rather than store a mangled name.
     */
    public static boolean unreadable(String text) {
        return text != null && text.indexOf('\uFFFD') >= 0;
    }
}

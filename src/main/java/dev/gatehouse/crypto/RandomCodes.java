package dev.gatehouse.crypto;

import java.security.SecureRandom;
import java.util.Base64;

/** Random values for links, codes and keys, all from one {@link SecureRandom}. */
public final class RandomCodes {

    private static final SecureRandom RANDOM = new SecureRandom();

    private RandomCodes() {
    }

    /** A 256-bit URL-safe token for links and cookies (43 characters, no padding). */
    public static String token() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(32));
    }

    /** {@code n} random bytes. */
    public static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** A string of {@code digits} decimal digits, each uniformly distributed (leading zeros kept). */
    public static String digits(int digits) {
        StringBuilder s = new StringBuilder(digits);
        for (int i = 0; i < digits; i++) {
            s.append((char) ('0' + RANDOM.nextInt(10)));
        }
        return s.toString();
    }

    /** A string of {@code length} characters drawn uniformly from {@code alphabet}. */
    public static String from(String alphabet, int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return s.toString();
    }
}

package dev.gatehouse.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Hashing of high-entropy tokens (links, cookies, codes with a short life) for storage. A plain SHA-256 suffices for
 * 256-bit random tokens: nothing is left to guess. Lookups go by the hash, so the stored value is never the secret.
 */
public final class Tokens {

    private Tokens() {
    }

    /** Lower-case hex SHA-256 of the UTF-8 bytes of {@code token}; 64 characters. A null token hashes as empty. */
    public static String sha256(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((token == null ? "" : token).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Constant-time comparison of two strings, so the time taken does not tell how much of a guess was right. */
    public static boolean equal(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}

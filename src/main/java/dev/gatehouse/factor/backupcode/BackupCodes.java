package dev.gatehouse.factor.backupcode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiPredicate;

import dev.gatehouse.crypto.RandomCodes;
import dev.gatehouse.crypto.Tokens;

/**
 * Backup codes: the way back in when the phone is lost. Each code is 14 characters from Crockford's Base32 alphabet
 * (32 letters and digits without I, L, O, U), so 70 bits of randomness — above the 64 bits asked for, which 10
 * characters (50 bits) would not reach — shown in two groups of seven: {@code 7KQ2M9C-XH4TR8D}.
 *
 * <p>Typing is forgiving: any letter case, with or without the dash or spaces, and the look-alikes O→0, I/L→1 are
 * read as what they must mean. Only a SHA-256 of the user id and the normalized code is stored: 70 random bits leave
 * nothing to guess from a stolen hash, and the user id in it means a row copied to another user matches nothing.
 */
public final class BackupCodes {

    /** How many codes a set has. */
    public static final int COUNT = 10;
    static final int LENGTH = 14;
    static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    private BackupCodes() {
    }

    /** A new set of {@link #COUNT} codes, in display form, all different. */
    public static List<String> newSet() {
        List<String> codes = new ArrayList<>(COUNT);
        while (codes.size() < COUNT) {
            String code = display(RandomCodes.from(ALPHABET, LENGTH));
            if (!codes.contains(code)) {
                codes.add(code);
            }
        }
        return List.copyOf(codes);
    }

    /** The canonical form of what someone typed (upper case, no separators, look-alikes mapped), or empty if it cannot be a code. */
    public static Optional<String> normalize(String typed) {
        if (typed == null || typed.length() > 40) {
            return Optional.empty();
        }
        StringBuilder out = new StringBuilder(LENGTH);
        for (char c : typed.toUpperCase(Locale.ROOT).toCharArray()) {
            if (c == '-' || c == ' ' || c == '\u00a0') {
                continue;
            }
            char mapped = c == 'O' ? '0' : (c == 'I' || c == 'L') ? '1' : c;
            if (ALPHABET.indexOf(mapped) < 0) {
                return Optional.empty();
            }
            out.append(mapped);
        }
        return out.length() == LENGTH ? Optional.of(out.toString()) : Optional.empty();
    }

    /** What is stored for a code of this user: SHA-256 of the user id and the code's canonical form. */
    public static String hash(UUID userId, String canonical) {
        return Tokens.sha256("backup-code:" + userId + ":" + canonical);
    }

    /**
     * The position of {@code hash} among {@code storedHashes}, or -1. Every stored hash is compared, in constant time
     * each, whether or not an earlier one matched: how long this takes tells nothing about which code, or how much of
     * it, was right.
     */
    public static int indexOf(List<String> storedHashes, String hash) {
        return indexOf(storedHashes, hash, Tokens::equal);
    }

    /** {@link #indexOf(List, String)} with the comparison given, so a test can watch that every entry is compared. */
    static int indexOf(List<String> storedHashes, String hash, BiPredicate<String, String> equal) {
        int found = -1;
        for (int i = 0; i < storedHashes.size(); i++) {
            boolean match = equal.test(storedHashes.get(i), hash);
            found = match && found < 0 ? i : found;
        }
        return found;
    }

    /** {@code 7KQ2M9CXH4TR8D} → {@code 7KQ2M9C-XH4TR8D}. */
    public static String display(String canonical) {
        return canonical.substring(0, LENGTH / 2) + "-" + canonical.substring(LENGTH / 2);
    }
}

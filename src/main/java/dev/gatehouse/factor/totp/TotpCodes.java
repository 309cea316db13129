package dev.gatehouse.factor.totp;

import java.security.InvalidKeyException;
import java.time.Instant;
import java.util.OptionalLong;

import javax.crypto.spec.SecretKeySpec;

import com.eatthepath.otp.HmacOneTimePasswordGenerator;

import dev.gatehouse.crypto.Tokens;

/**
 * RFC 6238 with the parameters every common authenticator app supports: HMAC-SHA1, 6 digits, 30-second steps from
 * the Unix epoch. HOTP itself comes from java-otp; what is ours is the window and the replay rule.
 *
 * <p>Not done here, on purpose: clock-drift learning (a ±1 step window covers real phones) and throttling (the core
 * counts wrong codes per user before a code is ever checked).
 */
final class TotpCodes {

    static final long STEP_SECONDS = 30;
    static final int DIGITS = 6;
    /** Steps accepted either side of the current one. */
    static final int WINDOW = 1;

    private static final HmacOneTimePasswordGenerator HOTP = new HmacOneTimePasswordGenerator(DIGITS);

    private TotpCodes() {
    }

    /** The time step of an instant: seconds since the epoch divided by 30 (64-bit, so the year 2603 works). */
    static long step(Instant time) {
        return Math.floorDiv(time.getEpochSecond(), STEP_SECONDS);
    }

    /** The 6-digit code of a step, with leading zeros. */
    static String code(byte[] secret, long step) {
        try {
            return HOTP.generateOneTimePasswordString(new SecretKeySpec(secret, "HmacSHA1"), step, java.util.Locale.ROOT);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA1 refused a key", e);
        }
    }

    /**
     * The step, within ±{@link #WINDOW} of {@code now} and newer than {@code lastUsedStep}, whose code is
     * {@code response}; empty when there is none. {@code response} may be anything a client sent: spaces are allowed
     * between digits ("123 456"), everything else that is not exactly six digits is simply wrong. All candidate
     * steps are computed and compared in constant time, so timing tells nothing about which step matched.
     */
    static OptionalLong matchingStep(byte[] secret, String response, Instant now, long lastUsedStep) {
        String typed = normalize(response);
        if (typed == null) {
            return OptionalLong.empty();
        }
        long current = step(now);
        long found = Long.MIN_VALUE;
        for (long s = current - WINDOW; s <= current + WINDOW; s++) {
            boolean match = Tokens.equal(code(secret, s), typed);
            if (match && s > lastUsedStep && found == Long.MIN_VALUE) {
                found = s;
            }
        }
        return found == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(found);
    }

    private static String normalize(String response) {
        if (response == null || response.length() > 20) {
            return null;
        }
        String digits = response.replace(" ", "").replace("\u00a0", "");
        return digits.length() == DIGITS && digits.chars().allMatch(c -> c >= '0' && c <= '9') ? digits : null;
    }
}

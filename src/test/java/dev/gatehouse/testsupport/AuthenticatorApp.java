package dev.gatehouse.testsupport;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.apache.commons.codec.binary.Base32;

/**
 * The phone in tests: an RFC 6238 client (SHA-1, 6 digits, 30 s) written apart from the server's code, holding the key
 * a setup page showed. {@link #oathtool} asks the independent command-line client instead.
 */
public final class AuthenticatorApp {

    private static final Pattern SHOWN_KEY = Pattern.compile("id=\"secret-key\"[^>]*>([A-Z2-7 ]+)<");

    private final String base32Key;

    public AuthenticatorApp(String base32Key) {
        this.base32Key = base32Key.replace(" ", "");
    }

    /** The key from a setup page's {@code <code id="secret-key">} (shown in groups of four). */
    public static AuthenticatorApp fromSetupPage(String html) {
        Matcher m = SHOWN_KEY.matcher(html);
        if (!m.find()) {
            throw new AssertionError("no key shown on the setup page");
        }
        return new AuthenticatorApp(m.group(1));
    }

    public String key() {
        return base32Key;
    }

    /** The code the app shows at {@code time}. */
    public String code(Instant time) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(new Base32().decode(base32Key), "HmacSHA1"));
            byte[] h = mac.doFinal(ByteBuffer.allocate(8).putLong(Math.floorDiv(time.getEpochSecond(), 30)).array());
            int offset = h[h.length - 1] & 0x0f;
            int binary = ((h[offset] & 0x7f) << 24) | ((h[offset + 1] & 0xff) << 16) | ((h[offset + 2] & 0xff) << 8)
                    | (h[offset + 3] & 0xff);
            return String.format("%06d", binary % 1_000_000);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A six-digit code that is none of the codes of the steps around {@code time} (a wrong guess). */
    public String wrongCode(Instant time) {
        List<String> right = List.of(code(time.minusSeconds(30)), code(time), code(time.plusSeconds(30)));
        for (int i = 0; ; i++) {
            String guess = String.format("%06d", (Integer.parseInt(code(time)) + 1 + i * 7919) % 1_000_000);
            if (!right.contains(guess)) {
                return guess;
            }
        }
    }

    /** The code that {@code oathtool --totp -b KEY} prints for {@code time}. */
    public String oathtool(Instant time) {
        String oathtool = Tools.require("oathtool");
        return Tools.run(List.of(oathtool, "--totp", "-b", base32Key, "-N", "@" + time.getEpochSecond())).strip();
    }
}

package dev.gatehouse.factor.totp;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The key URI authenticator apps scan (Google Authenticator's format): {@code otpauth://totp/ISSUER:ACCOUNT?secret=
 * KEY&issuer=ISSUER}. The issuer is in the label and the parameter, equal, as the format asks. The algorithm, digits
 * and period are left at their defaults (SHA1, 6, 30), which is what every app honours.
 */
record OtpAuthUri(String issuer, String account, String base32Secret) {

    OtpAuthUri {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(base32Secret, "base32Secret");
        if (issuer.isBlank() || issuer.contains(":")) {
            throw new IllegalArgumentException("issuer must be non-blank and hold no colon: " + issuer);
        }
        if (account.contains(":")) {
            throw new IllegalArgumentException("account must hold no colon: " + account);
        }
        if (!base32Secret.matches("[A-Z2-7]+")) {
            throw new IllegalArgumentException("base32Secret must be unpadded upper-case Base32");
        }
    }

    String toUri() {
        return "otpauth://totp/" + encode(issuer) + ":" + encode(account) + "?secret=" + base32Secret
                + "&issuer=" + encode(issuer);
    }

    /** Percent-encoding with %20 for spaces (a + would show in some apps as a plus sign). */
    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

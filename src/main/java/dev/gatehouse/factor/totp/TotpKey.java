package dev.gatehouse.factor.totp;

import java.util.Locale;

import org.apache.commons.codec.binary.Base32;

import dev.gatehouse.crypto.RandomCodes;

/** TOTP keys: 20 random bytes (160 bits, RFC 4226's recommendation), shown as Base32 without padding. */
final class TotpKey {

    static final int BYTES = 20;

    private TotpKey() {
    }

    static byte[] newSecret() {
        return RandomCodes.bytes(BYTES);
    }

    /** RFC 4648 Base32, upper case, without {@code =} padding (what authenticator apps expect). */
    static String base32(byte[] secret) {
        return new Base32().encodeAsString(secret).replace("=", "").toUpperCase(Locale.ROOT);
    }

    /** The key in groups of four, e.g. {@code JBSW Y3DP EHPK 3PXP}, for reading and typing by hand. */
    static String grouped(String base32) {
        StringBuilder out = new StringBuilder(base32.length() + base32.length() / 4);
        for (int i = 0; i < base32.length(); i++) {
            if (i > 0 && i % 4 == 0) {
                out.append(' ');
            }
            out.append(base32.charAt(i));
        }
        return out.toString();
    }
}

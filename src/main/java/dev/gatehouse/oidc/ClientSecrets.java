package dev.gatehouse.oidc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

import dev.gatehouse.crypto.Tokens;

/**
 * How applications' client secrets are stored and checked at the token endpoint: {@code {sha256}} and the hex SHA-256
 * of the secret, compared in constant time.
 *
 * <p>Why not a password hash: a slow hash (bcrypt, Argon2) protects secrets a person chose, which can be guessed; every
 * client secret here is 256 random bits made by Gatehouse ({@code RandomCodes.token()}), which no number of guesses
 * reaches, so the hash of a copied database gives nothing and slowness buys nothing. It cost every token request a
 * bcrypt check (about 65 ms of CPU on the development machine, most of a token's cost). GitHub stores its tokens the
 * same way. Secrets stored as {@code {bcrypt}} (by Gatehouse before stop 25, or by an operator registering a client in
 * code with a secret of their own choosing) still match, and stay so: they are never rewritten at the token endpoint
 * ({@link PasswordEncoder#upgradeEncoding} is false), because Spring Authorization Server's rewrite saves the whole
 * client it read before the (slow) check, which would undo a "New secret", a removal or an address change made
 * meanwhile and bring the replaced secret back. An owner's "New secret" stores the new one as {@code {sha256}}.
 * The trial's example application ({@link ExampleApp}) has a fixed secret; it is refused outside the trial.
 */
public final class ClientSecrets {

    /** Encodes new secrets as {@code {sha256}}; matches those and {@code {bcrypt}} ones, never rewriting them. */
    public static final PasswordEncoder ENCODER = new Encoder();

    private static final String SHA256 = "{sha256}";
    private static final String BCRYPT = "{bcrypt}";

    private ClientSecrets() {
    }

    /**
     * {@code {sha256}} and the hex SHA-256 of the secret (no salt: each secret is unique and random already), compared
     * in constant time; {@code {bcrypt}} checked as such; anything else stored (plain text, {@code {noop}}, an unknown
     * prefix) matches nothing. {@link PasswordEncoder#upgradeEncoding} keeps its default, false: never rewritten.
     */
    private static final class Encoder implements PasswordEncoder {

        private final PasswordEncoder bcrypt = new BCryptPasswordEncoder();

        @Override
        public String encode(CharSequence secret) {
            return SHA256 + Tokens.sha256(secret.toString());
        }

        @Override
        public boolean matches(CharSequence secret, String encoded) {
            if (secret == null || encoded == null) {
                return false;
            }
            if (encoded.startsWith(SHA256)) {
                return MessageDigest.isEqual(encode(secret).getBytes(StandardCharsets.US_ASCII),
                        encoded.getBytes(StandardCharsets.US_ASCII));
            }
            return encoded.startsWith(BCRYPT) && bcrypt.matches(secret, encoded.substring(BCRYPT.length()));
        }
    }
}

package dev.gatehouse.oidc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
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
    public static final PasswordEncoder ENCODER = encoder();

    private ClientSecrets() {
    }

    private static PasswordEncoder encoder() {
        DelegatingPasswordEncoder encoder = new DelegatingPasswordEncoder("sha256", Map.of(
                "sha256", new Sha256(),
                "bcrypt", new BCryptPasswordEncoder()));
        // Anything else stored (plain text, {noop}, an unknown prefix) matches nothing rather than failing the request.
        encoder.setDefaultPasswordEncoderForMatches(new MatchesNothing());
        return new NeverRewritten(encoder);
    }

    /** Encodes and matches as the given encoder; never asks the token endpoint to rewrite a stored secret. */
    private static final class NeverRewritten implements PasswordEncoder {

        private final PasswordEncoder encoder;

        NeverRewritten(PasswordEncoder encoder) {
            this.encoder = encoder;
        }

        @Override
        public String encode(CharSequence secret) {
            return encoder.encode(secret);
        }

        @Override
        public boolean matches(CharSequence secret, String encoded) {
            return encoder.matches(secret, encoded);
        }

        @Override
        public boolean upgradeEncoding(String encoded) {
            return false;
        }
    }

    private static final class MatchesNothing implements PasswordEncoder {

        @Override
        public String encode(CharSequence secret) {
            throw new UnsupportedOperationException("only matches");
        }

        @Override
        public boolean matches(CharSequence secret, String encoded) {
            return false;
        }
    }

    /** The hex SHA-256 of a high-entropy secret; no salt (each secret is unique and random already). */
    private static final class Sha256 implements PasswordEncoder {

        @Override
        public String encode(CharSequence secret) {
            return Tokens.sha256(secret.toString());
        }

        @Override
        public boolean matches(CharSequence secret, String encoded) {
            if (secret == null || encoded == null) {
                return false;
            }
            return MessageDigest.isEqual(encode(secret).getBytes(StandardCharsets.US_ASCII),
                    encoded.getBytes(StandardCharsets.US_ASCII));
        }
    }
}

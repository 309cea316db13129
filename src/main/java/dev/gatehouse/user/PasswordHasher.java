package dev.gatehouse.user;

import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.stereotype.Component;

/** Argon2id hashing of passwords, with a fixed decoy so that checking an unknown user costs as much as a known one. */
@Component
public class PasswordHasher {

    private final Argon2PasswordEncoder encoder;
    private final String decoy;

    PasswordHasher(PasswordProperties properties) {
        PasswordProperties.Argon2 a = properties.argon2();
        this.encoder = new Argon2PasswordEncoder(16, 32, a.parallelism(), a.memoryKib(), a.iterations());
        this.decoy = encoder.encode("decoy password that matches nothing");
    }

    public String hash(String password) {
        return encoder.encode(password);
    }

    public boolean matches(String password, String hash) {
        return encoder.matches(password, hash);
    }

    /** Spends the time of one check and returns false: for a sign-in with an unknown email. */
    boolean matchesNothing(String password) {
        encoder.matches(password, decoy);
        return false;
    }
}

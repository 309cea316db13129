package dev.gatehouse.user;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.stereotype.Component;

import dev.gatehouse.system.MetricNames;

/** Argon2id hashing of passwords, with a fixed decoy so that checking an unknown user costs as much as a known one. */
@Component
public class PasswordHasher {

    private final Argon2PasswordEncoder encoder;
    private final String decoy;
    private final Timer hashing;
    private final Timer verifying;

    PasswordHasher(PasswordProperties properties, MeterRegistry meters) {
        PasswordProperties.Argon2 a = properties.argon2();
        this.encoder = new Argon2PasswordEncoder(16, 32, a.parallelism(), a.memoryKib(), a.iterations());
        this.decoy = encoder.encode("decoy password that matches nothing");
        // The histogram lets a dashboard show the 95th percentile across nodes: Argon2 is where sign-in time goes.
        this.hashing = Timer.builder(MetricNames.PASSWORD_HASH).tag("operation", "hash")
                .publishPercentileHistogram().register(meters);
        this.verifying = Timer.builder(MetricNames.PASSWORD_HASH).tag("operation", "verify")
                .publishPercentileHistogram().register(meters);
    }

    public String hash(String password) {
        return hashing.record(() -> encoder.encode(password));
    }

    public boolean matches(String password, String hash) {
        return verifying.record(() -> encoder.matches(password, hash));
    }

    /** Spends the time of one check and returns false: for a sign-in with an unknown email. */
    boolean matchesNothing(String password) {
        verifying.record(() -> encoder.matches(password, decoy));
        return false;
    }
}

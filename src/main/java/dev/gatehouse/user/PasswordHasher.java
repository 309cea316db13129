package dev.gatehouse.user;

import java.util.function.Supplier;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.gatehouse.system.MetricNames;

/**
 * Argon2id hashing of passwords, with a fixed decoy so that checking an unknown user costs as much as a known one.
 * Every hash and check passes the node's {@link HashingGate}: at most {@code gatehouse.password.hashing.concurrency}
 * at once, the rest queued briefly, and past the queue {@link HashingBusy}. A flow that writes anything before it
 * hashes runs inside {@link #gated} so that a refusal comes before its first write. The hashes themselves run on
 * {@link HashingThreads}, below the priority of the rest of the work.
 */
@Component
public class PasswordHasher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PasswordHasher.class);

    private final PooledArgon2 argon2;
    private final HashingGate gate;
    private final HashingThreads threads;
    private final String decoy;
    private final Timer hashing;
    private final Timer verifying;

    PasswordHasher(PasswordProperties properties, MeterRegistry meters) {
        PasswordProperties.Hashing limits = properties.hashing();
        int permits = limits.permits(properties.argon2().memoryKib(), Runtime.getRuntime().maxMemory());
        this.gate = new HashingGate(permits, limits.queue(), limits.maxWait(), meters);
        log.info("Password hashing: {} at once ({} processors, {} MiB heap), up to {} waiting", permits,
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, limits.queue());
        this.argon2 = new PooledArgon2(properties.argon2(), gate.permits());
        this.threads = new HashingThreads(gate.permits());
        this.decoy = argon2.decoy();
        // The histogram lets a dashboard show the 95th percentile across nodes: Argon2 is where sign-in time goes.
        this.hashing = Timer.builder(MetricNames.PASSWORD_HASH).tag("operation", "hash")
                .publishPercentileHistogram().register(meters);
        this.verifying = Timer.builder(MetricNames.PASSWORD_HASH).tag("operation", "verify")
                .publishPercentileHistogram().register(meters);
    }

    /** Throws {@link HashingBusy} when this node is hashing at its limit with a full queue. */
    public String hash(String password) {
        return gate.call(() -> threads.run(() -> hashing.record(() -> argon2.encode(password))));
    }

    /** Throws {@link HashingBusy} when this node is hashing at its limit with a full queue. */
    public boolean matches(String password, String hash) {
        return gate.call(() -> threads.run(() -> verifying.record(() -> argon2.matches(password, hash))));
    }

    /**
     * Runs {@code work} holding one of the hashing permits, which the hashes and checks inside it use (several in a
     * row, one at a time). Throws {@link HashingBusy} before {@code work} starts when none is to be had in time, so
     * work that writes before it hashes (a counted attempt, a claimed link) writes nothing when refused. Work should
     * be short besides its hashing: the permit stands for a core.
     */
    public <T> T gated(Supplier<T> work) {
        return gate.call(work);
    }

    /** Stops the hashing threads (Spring calls it when the node stops). */
    @Override
    public void close() {
        threads.close();
    }

    /** Spends the time of one check and returns false: for a sign-in with an unknown email. */
    boolean matchesNothing(String password) {
        matches(password, decoy);
        return false;
    }
}

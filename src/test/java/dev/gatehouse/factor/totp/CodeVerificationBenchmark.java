package dev.gatehouse.factor.totp;

import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import dev.gatehouse.bench.BenchReport;
import dev.gatehouse.crypto.CryptoProperties;
import dev.gatehouse.crypto.RandomCodes;
import dev.gatehouse.crypto.SecretSealer;
import dev.gatehouse.factor.EnrolledFactor;
import dev.gatehouse.factor.FactorType;
import dev.gatehouse.factor.VerificationOutcome;

/**
 * JMH: the CPU cost of checking one authenticator code, as the method does it at sign-in: open the AES-GCM sealed
 * key, compute the three codes of the ±1 window, compare in constant time. The database part (lockout reservation
 * and the step compare-and-set) is measured end to end by {@code dev.gatehouse.bench.SignInBenchmark}.
 * Run with {@code ./mvnw -B -Pbench clean test -Dtest=CodeVerificationBenchmark} (clean: JMH generates its harness at compile time).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CodeVerificationBenchmark {

    private TotpMethod method;
    private EnrolledFactor factor;
    private Instant now;
    private String rightCode;

    @Setup
    public void setUp() {
        SecretSealer sealer = new SecretSealer(new CryptoProperties("bench",
                Map.of("bench", Base64.getEncoder().encodeToString(RandomCodes.bytes(32))), null, false));
        method = new TotpMethod(sealer, new TotpProperties("Gatehouse"));
        UUID userId = UUID.randomUUID();
        byte[] secret = TotpKey.newSecret();
        now = Instant.parse("2026-11-23T10:00:00Z");
        rightCode = TotpCodes.code(secret, TotpCodes.step(now));
        factor = new EnrolledFactor(UUID.randomUUID(), userId, TotpMethod.TYPE, "app",
                sealer.seal(secret, "totp:" + userId), null, null, now, null);
    }

    @Benchmark
    public VerificationOutcome verifyRightCode() {
        return method.verify(factor, rightCode, now);
    }

    @Benchmark
    public VerificationOutcome verifyWrongCode() {
        return method.verify(factor, "000000".equals(rightCode) ? "111111" : "000000", now);
    }

    @Test
    void run() throws Exception {
        var results = new Runner(new OptionsBuilder()
                .include(CodeVerificationBenchmark.class.getName() + ".")
                .warmupIterations(3).warmupTime(TimeValue.seconds(1))
                .measurementIterations(5).measurementTime(TimeValue.seconds(1))
                .forks(1).build()).run();
        StringBuilder lines = new StringBuilder();
        for (RunResult r : results) {
            lines.append(String.format("| %s | %.2f ± %.2f µs |%n", r.getParams().getBenchmark().replaceFirst(".*\\.", ""),
                    r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()));
        }
        BenchReport.section("Second factor: one authenticator code (JMH, CPU only)",
                "| benchmark | average time per call |\n|---|---|\n" + lines);
    }
}

package dev.gatehouse.factor.totp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.gatehouse.crypto.CryptoProperties;
import dev.gatehouse.crypto.SecretSealer;
import dev.gatehouse.factor.EnrolledFactor;
import dev.gatehouse.factor.EnrollmentOutcome;
import dev.gatehouse.factor.FactorType;
import dev.gatehouse.factor.PendingEnrollment;
import dev.gatehouse.factor.VerificationOutcome;
import dev.gatehouse.testsupport.Tools;
import dev.gatehouse.user.User;

/** The TOTP plug-in on its own: fixed instants, a sealer with a test key, no database. */
class TotpMethodTest {

    static final Instant T = Instant.ofEpochSecond(1111111111L);
    static final byte[] RFC_SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

    final SecretSealer sealer = new SecretSealer(new CryptoProperties("test1",
            Map.of("test1", Base64.getEncoder().encodeToString(new byte[32])), null, false));
    final TotpMethod method = new TotpMethod(sealer, new TotpProperties("Gatehouse"));
    final User ada = new User(UUID.randomUUID(), "ada@example.com", "Ada", T, T);

    @Test
    void setupWhenStartedThenTwentyByteKeyInOtpauthUriWithDefaultIssuer() {
        PendingEnrollment pending = method.startEnrollment(ada, T);
        TotpSetup setup = method.setup(ada, pending);

        assertThat(setup.base32Key()).matches("[A-Z2-7]{32}");
        assertThat(setup.uri()).isEqualTo("otpauth://totp/Gatehouse:ada%40example.com?secret=" + setup.base32Key()
                + "&issuer=Gatehouse");
        assertThat(setup.groupedKey().replace(" ", "")).isEqualTo(setup.base32Key());
        assertThat(setup.qrDataUri()).startsWith("data:image/svg+xml;base64,");
        assertThat(pending.sealedSecret()).doesNotContain(setup.base32Key()).startsWith("v1.test1.");
    }

    @Test
    void setupWhenIssuerConfiguredThenUsedInLabelAndParameter() {
        TotpMethod acme = new TotpMethod(sealer, new TotpProperties("Acme SSO"));
        TotpSetup setup = acme.setup(ada, acme.startEnrollment(ada, T));
        assertThat(setup.uri()).startsWith("otpauth://totp/Acme%20SSO:ada%40example.com?secret=")
                .endsWith("&issuer=Acme%20SSO");
    }

    @Test
    void propertiesWhenIssuerHasColonOrIsBlankThenRejectedAtStartup() {
        assertThatThrownBy(() -> new TotpProperties("Acme:SSO")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gatehouse.totp.issuer");
        assertThatThrownBy(() -> new TotpProperties(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gatehouse.totp.issuer");
    }

    @Test
    void finishEnrollmentWhenCurrentCodeThenEnrolledWithItsStepAsUsed() {
        PendingEnrollment pending = pendingWithRfcSeed();
        EnrollmentOutcome outcome = method.finishEnrollment(ada, pending, "050471", T);
        assertThat(outcome).isInstanceOfSatisfying(EnrollmentOutcome.Enrolled.class, enrolled -> {
            assertThat(enrolled.lastUsedStep()).isEqualTo(TotpCodes.step(T));
            assertThat(enrolled.sealedSecret()).isEqualTo(pending.sealedSecret());
        });
    }

    @Test
    void finishEnrollmentWhenWrongCodeThenRejectedWithMessageKey() {
        assertThat(method.finishEnrollment(ada, pendingWithRfcSeed(), "306183", T))
                .isEqualTo(new EnrollmentOutcome.Rejected("totp.setup.wrongCode"));
    }

    @Test
    void verifyWhenVectorsReplayTableThenAcceptedOlderRejectedReplayRejected() {
        EnrolledFactor factor = factorWithRfcSeed(null);
        VerificationOutcome first = method.verify(factor, "050471", T);
        assertThat(first).isEqualTo(new VerificationOutcome.Accepted(TotpCodes.step(T)));

        EnrolledFactor used = factorWithRfcSeed(TotpCodes.step(T));
        assertThat(method.verify(used, "081804", T)).as("older step").isInstanceOf(VerificationOutcome.Rejected.class);
        assertThat(method.verify(used, "050471", T)).as("replay").isInstanceOf(VerificationOutcome.Rejected.class);
    }

    @Test
    void verifyWhenKeySealedForAnotherUserThenDoesNotOpen() {
        EnrolledFactor factor = factorWithRfcSeed(null);
        EnrolledFactor moved = new EnrolledFactor(factor.id(), UUID.randomUUID(), TotpMethod.TYPE, factor.label(),
                factor.sealedSecret(), null, null, T, null);
        assertThatThrownBy(() -> method.verify(moved, "050471", T)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void verifyWhenGarbageResponseThenRejectedWithoutThrowing() {
        EnrolledFactor factor = factorWithRfcSeed(null);
        for (String response : new String[] {null, "", "abcdef", "1".repeat(10_000), "12345\u0000"}) {
            assertThat(method.verify(factor, response, T)).isInstanceOf(VerificationOutcome.Rejected.class);
        }
    }

    /** oathtool, an independent client, computes a code for the key Gatehouse generated; Gatehouse accepts it. */
    @Test
    void finishEnrollmentWhenCodeFromOathtoolThenEnrolled() {
        String oathtool = Tools.require("oathtool");
        Instant now = Instant.parse("2026-03-01T12:00:07Z");
        PendingEnrollment pending = method.startEnrollment(ada, now);
        String key = method.setup(ada, pending).base32Key();

        String code = Tools.run(List.of(oathtool, "--totp", "-b", key, "-N", "@" + now.getEpochSecond())).strip();

        assertThat(code).matches("\\d{6}");
        assertThat(method.finishEnrollment(ada, pending, code, now)).isInstanceOf(EnrollmentOutcome.Enrolled.class);
        assertThat(method.finishEnrollment(ada, pending, code, now.plusSeconds(90)))
                .as("three steps later the code is outside the window")
                .isInstanceOf(EnrollmentOutcome.Rejected.class);
    }

    private PendingEnrollment pendingWithRfcSeed() {
        return new PendingEnrollment(ada.id(), TotpMethod.TYPE, sealer.seal(RFC_SEED, "totp:" + ada.id()), null, T);
    }

    private EnrolledFactor factorWithRfcSeed(Long lastUsedStep) {
        return new EnrolledFactor(UUID.randomUUID(), ada.id(), TotpMethod.TYPE, "Authenticator app",
                sealer.seal(RFC_SEED, "totp:" + ada.id()), null, lastUsedStep, T, null);
    }
}

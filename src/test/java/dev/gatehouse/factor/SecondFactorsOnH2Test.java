package dev.gatehouse.factor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.gatehouse.testsupport.H2Test;

/**
 * The registered methods, as sign-in and the pages see them: what each says it is, that a name from a client finds
 * only a registered method, and that a pending step is finished only by its user, method and purpose, in time.
 */
@H2Test
class SecondFactorsOnH2Test {

    @Autowired
    SecondFactors methods;

    @Test
    void registeredMethodsWhenListedThenEveryMethodOnceInPageOrderWithItsTraits() {
        assertThat(methods.all()).extracting(m -> m.type().name())
                .containsExactly("TOTP", "EMAIL", "SMS", "WEBAUTHN", "BACKUP_CODE");
        assertThat(methods.all()).filteredOn(m -> m.traits().phishingResistant()).extracting(m -> m.type().name())
                .containsExactly("WEBAUTHN");
        assertThat(methods.all()).filteredOn(m -> !m.traits().standalone()).extracting(m -> m.type().name())
                .containsExactly("BACKUP_CODE");
        assertThat(methods.all()).filteredOn(m -> m.traits().needsDestination()).extracting(m -> m.type().name())
                .containsExactly("EMAIL", "SMS");
        assertThat(methods.all()).extracting(m -> m.traits().amr())
                .containsExactly("otp", "otp", "sms", "hwk", "otp");
        assertThat(methods.all()).allSatisfy(m -> assertThat(m.traits().settingsFragment())
                .startsWith("settings/methods :: "));
    }

    @Test
    void findWhenNameFromAClientThenOnlyRegisteredMethodsAndNeverAnException() {
        assertThat(methods.find("TOTP")).map(SecondFactorMethod::type).contains(new FactorType("TOTP"));
        for (String junk : List.of("", "totp", "PUSH", "TOTP ", "../x", "A".repeat(10_000), "WEB\u0000AUTHN")) {
            assertThat(methods.find(junk)).as(junk.length() > 20 ? "long" : junk).isEmpty();
        }
        assertThat(methods.find((String) null)).isEmpty();
        assertThatThrownBy(() -> FactorType.valueOf("totp")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void backupCodesWhenAnswerIsTheirShapeThenClaimedAndNothingElseIs() {
        SecondFactorMethod backup = methods.find("BACKUP_CODE").orElseThrow();
        String code = dev.gatehouse.factor.backupcode.BackupCodes.newSet().get(0);
        assertThat(backup.claims(code)).isTrue();
        assertThat(backup.claims(code.toLowerCase().replace("-", " "))).isTrue();
        assertThat(methods.all()).filteredOn(m -> m != backup).allSatisfy(m -> assertThat(m.claims(code)).isFalse());
        assertThat(backup.claims("123456")).isFalse();
        assertThat(backup.claims(null)).isFalse();
        assertThat(methods.all()).filteredOn(m -> m != backup).allSatisfy(m -> assertThat(m.claims("123456")).isFalse());
    }

    @Test
    void pendingStepWhenAnotherUserMethodPurposeOrTooLateThenNotUsable() {
        UUID ada = UUID.randomUUID();
        FactorType key = new FactorType("WEBAUTHN");
        Instant start = Instant.parse("2026-12-04T10:00:00Z");
        PendingStep step = new PendingStep(ada, key, CodePurpose.SIGN_IN, UUID.randomUUID(), start,
                start.plusSeconds(120), "state");
        assertThat(step.usableFor(ada, key, CodePurpose.SIGN_IN, start.plusSeconds(119))).isTrue();
        assertThat(step.usableFor(UUID.randomUUID(), key, CodePurpose.SIGN_IN, start)).as("another user").isFalse();
        assertThat(step.usableFor(ada, new FactorType("TOTP"), CodePurpose.SIGN_IN, start)).as("another method")
                .isFalse();
        assertThat(step.usableFor(ada, key, CodePurpose.RECONFIRM, start)).as("another purpose").isFalse();
        assertThat(step.usableFor(ada, key, CodePurpose.SIGN_IN, start.plusSeconds(120))).as("expired").isFalse();
        assertThat(step.state(String.class)).contains("state");
        assertThat(step.state(Integer.class)).isEmpty();
    }
}

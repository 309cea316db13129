package dev.gatehouse.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** The activity filter's kinds: a closed list that every event type belongs to exactly once. */
class ActivityKindTest {

    @Test
    void everyEventTypeBelongsToExactlyOneKind() {
        for (AuditEventType type : AuditEventType.values()) {
            assertThat(Arrays.stream(ActivityKind.values()).filter(k -> k.types().contains(type)))
                    .as(type + ": add it to one ActivityKind").hasSize(1);
        }
    }

    /** Without its words, an activity list would show the message key itself ("audit.SOME_TYPE"). */
    @Test
    void everyEventTypeHasWordsForTheActivityLists() {
        Properties messages = dev.gatehouse.testsupport.MessageTexts.load();
        for (AuditEventType type : AuditEventType.values()) {
            // ActivityWords: activity.<TYPE> when there is one, else audit.<TYPE> (the floor: a method's events have
            // words of their own, activity.<TYPE>.method and .named, beside these).
            assertThat(messages.getProperty("activity." + type.name(), messages.getProperty("audit." + type.name())))
                    .as("activity." + type.name() + " or audit." + type.name()).isNotBlank();
        }
    }

    /** How each sign-in passed, from its detail; the reset link's before the method (a backup code may finish it). */
    @Test
    void labelKeyWhenSignInThenHowItPassed() {
        assertThat(signIn("password + TOTP").labelKey()).isEqualTo("audit.SIGN_IN");
        assertThat(signIn("password + trusted device").labelKey()).isEqualTo("audit.SIGN_IN.TRUSTED_DEVICE");
        assertThat(signIn("password + backup code").labelKey()).isEqualTo("audit.SIGN_IN.BACKUP_CODE");
        assertThat(signIn("email link + TOTP").labelKey()).isEqualTo("audit.SIGN_IN.RESET_LINK");
        assertThat(signIn("email link + backup code").labelKey()).isEqualTo("audit.SIGN_IN.RESET_LINK");
        assertThat(signIn(null).labelKey()).isEqualTo("audit.SIGN_IN");
    }

    private static AuditEvent signIn(String detail) {
        return new AuditEvent(1, java.time.Instant.EPOCH, AuditEventType.SIGN_IN, null, null, null, null, detail);
    }

    @Test
    void parseWhenUnknownOrHiddenThenEmpty() {
        assertThat(ActivityKind.parse("sign-ins")).contains(ActivityKind.SIGN_INS);
        assertThat(ActivityKind.parse("system")).isEmpty();
        assertThat(ActivityKind.parse("SIGN_INS")).isEmpty();
        assertThat(ActivityKind.parse(null)).isEmpty();
        assertThat(ActivityKind.choosable()).doesNotContain(ActivityKind.SYSTEM);
    }

    @Test
    void methodWhenDetailNamesAKeyThenKindAndNameApart() {
        AuditEvent named = new AuditEvent(1, java.time.Instant.EPOCH, AuditEventType.FACTOR_DISABLED, null, null,
                null, null, AuditEvent.methodDetail("WEBAUTHN", " Yubi Key 5 "));
        assertThat(named.method()).contains("WEBAUTHN");
        assertThat(named.methodName()).contains("Yubi Key 5");
        AuditEvent plain = new AuditEvent(2, java.time.Instant.EPOCH, AuditEventType.FACTOR_ENABLED, null, null,
                null, null, "TOTP");
        assertThat(plain.method()).contains("TOTP");
        assertThat(plain.methodName()).isEmpty();
        AuditEvent other = new AuditEvent(3, java.time.Instant.EPOCH, AuditEventType.SIGN_IN, null, null,
                null, null, "password + TOTP");
        assertThat(other.method()).isEmpty();
    }
}

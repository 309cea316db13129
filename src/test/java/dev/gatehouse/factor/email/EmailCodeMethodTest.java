package dev.gatehouse.factor.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.gatehouse.factor.CodeMessage;
import dev.gatehouse.factor.CodePurpose;
import dev.gatehouse.factor.DestinationCheck;
import dev.gatehouse.user.User;

/** The email method's checks of an address, and the message it writes around a code. */
class EmailCodeMethodTest {

    private final EmailCodeMethod method = new EmailCodeMethod();

    @Test
    void checkDestinationWhenPlainAddressThenTrimmedAndValid() {
        assertThat(method.checkDestination("  ada@example.com ", null))
                .isEqualTo(new DestinationCheck.Valid("ada@example.com", "ada@example.com", null));
    }

    @Test
    void checkDestinationWhenHeaderInjectionThenRefusedNotTrimmed() {
        for (String typed : new String[] {"ada@example.com\r\nBcc: eve@example.org", "ada@example.com\r\n",
                "ada@example.com\n", "ada@exa\rmple.com", "ada@example.com%0d%0aBcc:eve@example.org",
                "\tada@example.com"}) {
            assertThat(method.checkDestination(typed, null)).as(typed.replace("\r", "\\r").replace("\n", "\\n"))
                    .isEqualTo(new DestinationCheck.Invalid("input.email.invalid"));
        }
    }

    @Test
    void checkDestinationWhenOverLongEmptyOrMalformedThenSaysWhich() {
        assertThat(method.checkDestination("a".repeat(250) + "@example.com", null))
                .isEqualTo(new DestinationCheck.Invalid("input.email.tooLong"));
        assertThat(method.checkDestination("a".repeat(1_000_000), null))
                .isEqualTo(new DestinationCheck.Invalid("input.email.tooLong"));
        assertThat(method.checkDestination(null, null)).isEqualTo(new DestinationCheck.Invalid("input.email.required"));
        assertThat(method.checkDestination(" ", null)).isEqualTo(new DestinationCheck.Invalid("input.email.required"));
        assertThat(method.checkDestination("ada at example.com", null))
                .isEqualTo(new DestinationCheck.Invalid("input.email.invalid"));
    }

    @Test
    void maskedWhenAddressThenFirstLetterAndDomain() {
        assertThat(method.masked("ada.lovelace@example.com")).isEqualTo("a•••@example.com");
    }

    @Test
    void messageWhenCodeThenTemplateWithCodeValidityAndExpiryAsNotAfter() {
        User ada = new User(UUID.randomUUID(), "ada@example.com", "Ada", Instant.EPOCH, Instant.EPOCH);
        Instant expires = Instant.parse("2026-11-23T14:15:00Z");

        CodeMessage message = method.message(ada, "codes@example.com", "012345", CodePurpose.SIGN_IN, expires,
                Duration.ofMinutes(10));

        assertThat(message).isInstanceOfSatisfying(CodeMessage.ByEmail.class, email -> {
            assertThat(email.email().to()).isEqualTo("codes@example.com");
            assertThat(email.email().template()).isEqualTo("verification-code");
            assertThat(email.email().notAfter()).isEqualTo(expires);
            assertThat(email.email().variables()).containsAllEntriesOf(Map.of("code", "012345", "purpose", "SIGN_IN",
                    "minutes", 10L, "until", expires, "displayName", "Ada"));
        });
    }
}

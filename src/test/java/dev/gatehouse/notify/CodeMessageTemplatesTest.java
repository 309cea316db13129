package dev.gatehouse.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.context.support.StaticMessageSource;

import dev.gatehouse.system.GatehouseProperties;

/**
 * The messages that carry codes: the product name, the code, how long it is valid, "if this wasn't you" advice, and
 * no link at all (people should learn that a code message never asks them to click).
 */
class CodeMessageTemplatesTest {

    private static final Instant UNTIL = Instant.parse("2026-11-23T14:15:00Z");
    private static final List<String> PURPOSES = List.of("SIGN_IN", "RECONFIRM", "SETUP");

    private final MailRenderer renderer = new MailRenderer(
            new GatehouseProperties("Acme Sign-in", "https://sign-in.example.com", Path.of("data")),
            new StaticMessageSource());

    @Test
    void emailWhenEachPurposeThenProductCodeValidityAdviceAndNoLink() {
        for (String purpose : PURPOSES) {
            MailRenderer.RenderedEmail mail = renderer.render(new EmailMessage("ada@example.com", "verification-code",
                    Map.of("displayName", "Ada", "code", "042917", "purpose", purpose, "minutes", 10L, "until", UNTIL),
                    UNTIL));

            assertThat(mail.subject()).as(purpose).contains("Acme Sign-in").doesNotContain("042917");
            assertThat(mail.text()).as(purpose).contains("Acme Sign-in", "042917", "10 minutes",
                    "23 Nov 2026, 14:15 UTC", "If this wasn't you").doesNotContain("http", "www.", "[(", "${");
            assertThat(mail.html()).as(purpose).contains("Acme Sign-in", "042917", "10", "If this wasn't you")
                    .doesNotContain("<a ", "href", "http", " th:");
        }
        assertThat(renderer.render(message("SIGN_IN")).subject()).isEqualTo("Your Acme Sign-in sign-in code");
        assertThat(renderer.render(message("SIGN_IN")).text()).contains("someone knows your password");
        assertThat(renderer.render(message("SETUP")).subject())
                .isEqualTo("Confirm your address for Acme Sign-in sign-in codes");
        assertThat(renderer.render(message("SETUP")).text()).contains("ignore this email");
    }

    @Test
    void smsWhenEachPurposeThenShortPlainTextWithProductCodeValidityAdviceAndNoLink() {
        for (String purpose : PURPOSES) {
            String text = renderer.render(new SmsMessage("+447400123456", "verification-code",
                    Map.of("code", "042917", "purpose", purpose, "minutes", 10L), UNTIL));

            assertThat(text).as(purpose).contains("Acme Sign-in", "042917", "10 minutes", "Not you?")
                    .doesNotContain("http", "www.", ".com", "[(", "${").doesNotStartWith("\n").doesNotEndWith("\n");
            assertThat(text.length()).as(purpose + ": one SMS segment").isLessThanOrEqualTo(160);
            assertThat(text.chars().allMatch(c -> c >= 32 && c < 127 || c == '\n')).as(purpose + ": GSM-7 only")
                    .isTrue();
        }
        // Sent to turn the method on and to move it to a new number alike (it said "turn on" to someone who had it on).
        assertThat(renderer.render(new SmsMessage("+447400123456", "verification-code",
                Map.of("code", "042917", "purpose", "SETUP", "minutes", 10L), UNTIL)))
                .startsWith("Acme Sign-in code to use this number for text message codes: 042917");
        assertThat(renderer.render(new SmsMessage("+447400123456", "verification-code",
                Map.of("code", "042917", "purpose", "SIGN_IN", "minutes", 10L), UNTIL)))
                .isEqualTo("Acme Sign-in sign-in code: 042917\nValid for 10 minutes. Never share it.\n"
                        + "Not you? Someone knows your password: change it.");
    }

    @Test
    void destinationChangedThenSaysWhereCodesGoNowAndWhatToDoIfItWasNotYou() {
        MailRenderer.RenderedEmail mail = renderer.render(EmailMessage.of("ada@example.com", "code-destination-changed",
                Map.of("displayName", "Ada", "method", "Text message codes", "destination", "+44 ••••••• 456",
                        "when", UNTIL, "ip", "203.0.113.7", "browser", "Firefox on Linux")));

        assertThat(mail.subject()).isEqualTo("Your text message codes go somewhere new");
        assertThat(mail.text()).contains("+44 ••••••• 456", "23 Nov 2026, 14:15 UTC", "Firefox on Linux",
                "If this wasn't you", "https://sign-in.example.com/settings/security")
                .contains("account now sends text message codes to +44 ••••••• 456.");
    }

    private static EmailMessage message(String purpose) {
        return new EmailMessage("ada@example.com", "verification-code", Map.of("displayName", "Ada", "code", "042917",
                "purpose", purpose, "minutes", 10L, "until", UNTIL), UNTIL);
    }
}

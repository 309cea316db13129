package dev.gatehouse.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.context.support.StaticMessageSource;

import dev.gatehouse.system.GatehouseProperties;

/** The security notices of Web Authentication render to a clear subject, text and HTML, with the name as text. */
class WebAuthnNoticeTemplatesTest {

    private final MailRenderer renderer = new MailRenderer(
            new GatehouseProperties("Gatehouse", "https://sign-in.example.com", Path.of("data")),
            new StaticMessageSource());

    private static final Map<String, Object> VARS = Map.of("displayName", "Ada", "name", "<b>Blue</b> key",
            "kind", "Security key", "when", Instant.parse("2026-11-23T14:05:00Z"), "ip", "203.0.113.7",
            "browser", "Chrome on Linux");

    @Test
    void addedThenNamesTheKeyWithoutPuttingItInTheSubject() {
        MailRenderer.RenderedEmail mail = render("webauthn-added");
        assertThat(mail.subject()).isEqualTo("Gatehouse: a security key or device was added");
        assertThat(mail.text()).contains("Name: <b>Blue</b> key", "Kind: Security key", "When: 23 Nov 2026, 14:05 UTC",
                "Browser: Chrome on Linux", "remove the key you don't recognise",
                "https://sign-in.example.com/settings/security");
        assertThat(mail.html()).contains("&lt;b&gt;Blue&lt;/b&gt; key").doesNotContain("<b>Blue");
    }

    @Test
    void possiblyClonedThenSaysTheKeyIsBlockedAndWhatToDo() {
        MailRenderer.RenderedEmail mail = render("webauthn-possibly-cloned");
        assertThat(mail.subject()).isEqualTo("Gatehouse: one of your security keys may have been copied");
        assertThat(mail.text()).contains("\"<b>Blue</b> key\"", "no longer signs you in", "change your password",
                "IP address: 203.0.113.7");
        assertThat(mail.html()).contains("&lt;b&gt;Blue&lt;/b&gt; key");
    }

    private MailRenderer.RenderedEmail render(String template) {
        MailRenderer.RenderedEmail mail = renderer.render(EmailMessage.of("ada@example.com", template, VARS));
        assertThat(mail.text()).doesNotContain("[(", "[#", "${", "<p", "\n\n\n");
        assertThat(mail.html()).doesNotContain(" th:", "${");
        return mail;
    }
}

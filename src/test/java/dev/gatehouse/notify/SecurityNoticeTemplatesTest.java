package dev.gatehouse.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.context.support.StaticMessageSource;

import dev.gatehouse.system.GatehouseProperties;

/** The security notices of backup codes and devices render to a clear subject, text and HTML. */
class SecurityNoticeTemplatesTest {

    private final MailRenderer renderer = new MailRenderer(
            new GatehouseProperties("Gatehouse", "https://sign-in.example.com", Path.of("data")),
            new StaticMessageSource());

    private static final Instant WHEN = Instant.parse("2026-11-23T14:05:00Z");

    private static Map<String, Object> vars(Object... more) {
        java.util.Map<String, Object> v = new java.util.HashMap<>(Map.of("displayName", "Ada <b>", "when", WHEN,
                "ip", "203.0.113.7", "browser", "Chrome on Linux"));
        for (int i = 0; i < more.length; i += 2) {
            v.put((String) more[i], more[i + 1]);
        }
        return v;
    }

    @Test
    void backupCodeUsedWhenSeveralLeftThenSaysHowMany() {
        MailRenderer.RenderedEmail mail = render("backup-code-used", vars("remaining", 7));
        assertThat(mail.subject()).isEqualTo("Gatehouse: a backup code was used to sign in");
        assertThat(mail.text()).contains("Hello Ada <b>,", "You have 7 unused backup codes left.",
                "When: 23 Nov 2026, 14:05 UTC", "Browser: Chrome on Linux", "IP address: 203.0.113.7",
                "https://sign-in.example.com/settings/security").doesNotContain("Only", "last backup code");
        assertThat(mail.html()).contains("Ada &lt;b&gt;").contains("<strong>7</strong>");
    }

    @Test
    void backupCodeUsedWhenFewOrNoneLeftThenWarns() {
        assertThat(render("backup-code-used", vars("remaining", 1)).text())
                .contains("You have only 1 unused backup code left. Generate new ones");
        assertThat(render("backup-code-used", vars("remaining", 3)).text())
                .contains("You have only 3 unused backup codes left.");
        MailRenderer.RenderedEmail none = render("backup-code-used", vars("remaining", 0));
        assertThat(none.text()).contains("That was your last backup code.").doesNotContain("unused backup");
        assertThat(none.html()).contains("That was your last backup code.");
    }

    @Test
    void backupCodesRegeneratedThenSaysTheOldOnesStopped() {
        MailRenderer.RenderedEmail mail = render("backup-codes-regenerated", vars("count", 10));
        assertThat(mail.subject()).isEqualTo("Gatehouse: new backup codes were created");
        assertThat(mail.text()).contains("Your previous backup codes no longer work.", "If this wasn't you");
    }

    @Test
    void trustedDeviceAddedThenNamesTheBrowserAndPeriod() {
        MailRenderer.RenderedEmail mail = render("trusted-device-added", vars("period", "1 week"));
        assertThat(mail.subject()).isEqualTo("Gatehouse: a device will skip the code step");
        assertThat(mail.text()).contains("For 1 week, signing in there asks only for your password",
                "Browser: Chrome on Linux", "remove the device");
    }

    @Test
    void newBrowserSignInThenNamesTheBrowserInTheSubject() {
        MailRenderer.RenderedEmail mail = render("new-browser-sign-in", vars());
        assertThat(mail.subject()).isEqualTo("Gatehouse: new sign-in from Chrome on Linux");
        assertThat(mail.text()).contains("a browser it has not seen before", "IP address: 203.0.113.7",
                "sign out everywhere");
    }

    @Test
    void everyHtmlEmailWhenRenderedThenHasTheFrameOnceItsSubjectAndEscapedWords() throws java.io.IOException {
        java.util.List<String> templates;
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(Path.of("src/main/resources/templates/mail"))) {
            templates = files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".html") && !n.startsWith("_") && !n.equals("verification-code.html"))
                    .map(n -> n.substring(0, n.length() - ".html".length())).sorted().toList();
        }
        assertThat(templates).hasSizeGreaterThanOrEqualTo(15);
        for (String template : templates) {
            MailRenderer.RenderedEmail mail = renderer.render(EmailMessage.of("ada@example.com", template, vars("remaining", 3, "count", 10, "method", "App",
                    "until", WHEN, "minutes", 1, "maxMinutes", 15, "link", "https://sign-in.example.com/x",
                    "accountName", "Acme", "inviterName", "Bob", "name", "Key", "kind", "SECURITY_KEY",
                    "expiresAt", WHEN, "role", "MEMBER", "channel", "EMAIL", "destination", "a@example.com",
                    "counter", 5, "storedCounter", 9)));
            String html = mail.html();
            assertThat(mail.subject()).as(template).isNotBlank().doesNotContain("<");
            assertThat(html).as(template).startsWith("<!DOCTYPE html>")
                    .containsOnlyOnce("<title>").containsOnlyOnce("<body").containsOnlyOnce("max-width:560px")
                    .containsOnlyOnce("This is an automatic message from")
                    .doesNotContain(" th:", "<th:block", "Ada <b>");
        }
    }

    @Test
    void pausesWhenOneMinuteOrSeveralThenTheWordAgrees() {
        for (String template : java.util.List.of("code-entry-locked", "password-checks-paused")) {
            MailRenderer.RenderedEmail one = render(template, vars("until", WHEN, "minutes", 1, "maxMinutes", 15));
            assertThat(one.text()).as(template).contains("(about 1 minute)").doesNotContain("1 minutes");
            assertThat(one.html()).as(template).contains("about <span>1 minute</span>");
            assertThat(render(template, vars("until", WHEN, "minutes", 5, "maxMinutes", 15)).text()).as(template)
                    .contains("(about 5 minutes)");
        }
    }

    /**
     * Found by an outside attack in stop 31: a user's display name is whatever they typed ("Win a prize at
     * https://..."), and these go to addresses nobody has proved yet; they greet no one by name.
     */
    @Test
    void mailToAnAddressNotYetProvedWhenRenderedThenItCarriesNoDisplayName() {
        Map<String, Object> setup = vars("displayName", "Win a prize at evil.example", "code", "123456",
                "purpose", "SETUP", "validMinutes", 10, "link", "http://localhost/x", "expiresAt", WHEN, "hours", 24);
        for (String template : java.util.List.of("verification-code", "email-change-confirm")) {
            MailRenderer.RenderedEmail mail = render(template, setup);
            assertThat(mail.text() + mail.html() + mail.subject()).as(template).doesNotContain("Win a prize")
                    .contains("Hello,");
        }
        Map<String, Object> signIn = new java.util.HashMap<>(setup);
        signIn.put("purpose", "SIGN_IN");
        assertThat(render("verification-code", signIn).text()).as("to the user's own proved address")
                .contains("Hello Win a prize at evil.example,");
    }

    private MailRenderer.RenderedEmail render(String template, Map<String, Object> variables) {
        MailRenderer.RenderedEmail mail = renderer.render(EmailMessage.of("ada@example.com", template, variables));
        assertThat(mail.text()).doesNotContain("[(", "[#", "${", "<p", "\n\n\n");
        assertThat(mail.html()).doesNotContain(" th:", "${");
        return mail;
    }

    @Test
    void noticeWhenRecipientHasATimeZoneThenTimesAreInItAndNamed() {
        MailRenderer zoned = new MailRenderer(
                new GatehouseProperties("Gatehouse", "https://sign-in.example.com", Path.of("data")),
                new StaticMessageSource(), new dev.gatehouse.system.Times(java.time.Clock.systemUTC()),
                address -> address.equals("ada@example.com") ? java.util.Optional.of(java.time.ZoneId.of("Asia/Kolkata"))
                        : java.util.Optional.empty());

        assertThat(zoned.render(EmailMessage.of("ada@example.com", "backup-code-used", vars("remaining", 7))).text())
                .contains("When: 23 Nov 2026, 19:35 IST (Asia/Kolkata)").doesNotContain("UTC");
        assertThat(zoned.render(EmailMessage.of("bob@example.com", "backup-code-used", vars("remaining", 7))).text())
                .as("no zone known").contains("When: 23 Nov 2026, 14:05 UTC");
        assertThat(zoned.render(EmailMessage.of("new@example.com", "backup-code-used", vars("remaining", 7,
                        EmailMessage.TIME_ZONE, java.time.ZoneId.of("Europe/London")))).text())
                .as("a zone given with the message").contains("When: 23 Nov 2026, 14:05 GMT (Europe/London)");
    }
}

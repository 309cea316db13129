package dev.gatehouse.web.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.notify.DevMailMessage;
import dev.gatehouse.notify.DevMailbox;
import dev.gatehouse.notify.EmailMessage;
import dev.gatehouse.notify.Notifier;
import dev.gatehouse.testsupport.DevMail;
import dev.gatehouse.testsupport.H2Test;
import dev.gatehouse.testsupport.WebSession;
import dev.gatehouse.testsupport.WebSession.Page;

/** The dev mailbox pages over HTTP: what they show, what they escape, and how the HTML body is fenced off. */
@H2Test
class DevMailboxPageTest {

    private static final String HOSTILE = "<script>alert(1)</script>";

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @Test
    void mailboxWhenMessageDeliveredThenListedAndShownWithLinksAndEscapedText() {
        String to = "page-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        DevMailMessage message = deliver(to, HOSTILE);
        WebSession web = new WebSession(port);

        Page list = web.get("/dev/mailbox?to=" + to);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).contains(to, "/dev/mailbox/" + message.id(), "You already have a");

        Page shown = web.get("/dev/mailbox/" + message.id());
        assertThat(shown.status()).isEqualTo(200);
        assertThat(shown.body())
                .contains("<a href=\"http://localhost:0/signup/confirm/tok-123\" rel=\"noreferrer noopener\">"
                        + "http://localhost:0/signup/confirm/tok-123</a>")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .doesNotContain(HOSTILE)
                .contains("<iframe id=\"html-body\" src=\"/dev/mailbox/" + message.id() + "/html\"");
        assertThat(shown.header("Content-Security-Policy")).hasValueSatisfying(csp ->
                assertThat(csp).startsWith("default-src 'self'").doesNotContain("unsafe-inline"));
    }

    @Test
    void mailboxHtmlBodyWhenServedThenSandboxedBySeparatePolicy() {
        String to = "html-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        DevMailMessage message = deliver(to, HOSTILE);

        Page html = new WebSession(port).get("/dev/mailbox/" + message.id() + "/html");

        assertThat(html.status()).isEqualTo(200);
        assertThat(html.header("Content-Security-Policy")).contains(DevMailboxController.HTML_BODY_CSP);
        assertThat(html.header("Content-Security-Policy")).hasValueSatisfying(csp ->
                assertThat(csp).startsWith("sandbox ").contains("frame-ancestors 'self'").doesNotContain("allow-scripts"));
        assertThat(html.header("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(html.body()).contains("<base target=\"_blank\">", "&lt;script&gt;").doesNotContain(HOSTILE);
    }

    @Test
    void mailboxLatestWhenRecipientKnownThenRedirectsToNewestMessage() {
        String to = "latest-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        deliver(to, "First");
        DevMailMessage newest = deliver(to, "Second");
        WebSession web = new WebSession(port);

        Page latest = web.get("/dev/mailbox/latest?to=" + to);

        assertThat(latest.status()).isEqualTo(302);
        assertThat(latest.location()).isEqualTo("/dev/mailbox/" + newest.id());
        assertThat(web.get("/dev/mailbox/latest?to=nobody-" + UUID.randomUUID() + "@example.com").status())
                .isEqualTo(404);
        assertThat(web.get("/dev/mailbox/" + UUID.randomUUID()).status()).isEqualTo(404);
    }

    @Test
    void linesWhenTextHoldsUrlsThenOnlyHttpUrlsBecomeLinksWithoutTrailingPunctuation() {
        List<List<DevMailboxController.Segment>> lines = DevMailboxController.lines(
                "Open https://example.com/a?b=1. Or javascript:alert(1) <b>\n\nend http://x.test/p)");

        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).containsExactly(
                new DevMailboxController.Segment("Open ", false),
                new DevMailboxController.Segment("https://example.com/a?b=1", true),
                new DevMailboxController.Segment(". Or javascript:alert(1) <b>", false));
        assertThat(lines.get(1)).isEmpty();
        assertThat(lines.get(2)).containsExactly(
                new DevMailboxController.Segment("end ", false),
                new DevMailboxController.Segment("http://x.test/p", true),
                new DevMailboxController.Segment(")", false));
    }

    private DevMailMessage deliver(String to, String displayName) {
        int before = new DevMail(context).to(to).size();
        context.getBean(TransactionTemplate.class).executeWithoutResult(s -> context.getBean(Notifier.class)
                .send(EmailMessage.of(to, "signup-existing", Map.of("displayName", displayName,
                        "signinLink", "http://localhost:0/signup/confirm/tok-123"))));
        new DevMail(context).awaitNth(to, before + 1);
        return context.getBean(DevMailbox.class).latestTo(to).orElseThrow();
    }
}

package dev.gatehouse.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import dev.gatehouse.testsupport.DevMail;
import dev.gatehouse.testsupport.H2Test;
import dev.gatehouse.testsupport.MutableClock;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.testsupport.Tools;

/**
 * The whole server on a random port and the JVM's one headless Chromium, reset for each test class to the state of a
 * fresh one ({@link Browser#shared}). Tests in a class share the browser (and its cookies), so each test starts by
 * putting it where it needs it.
 */
@H2Test
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BrowserTestSupport {

    private static final DateTimeFormatter OATHTOOL_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    Browser browser;
    DevMail mail;
    TestUsers users;

    @BeforeAll
    void startBrowser() {
        mail = new DevMail(context);
        users = new TestUsers(context);
        browser = Browser.shared("http://localhost:" + port);
    }

    MutableClock clock() {
        return context.getBean(MutableClock.class);
    }

    /** Signs in with the password form; returns the browser on whatever page comes next. */
    static void signIn(Browser browser, String email, String password) {
        browser.open("/signin");
        if (!browser.path().startsWith("/signin")) {
            signOut(browser);
            browser.open("/signin");
        }
        browser.type("email", email).type("password", password).click("signin");
    }

    /** Signs out with the button in the top bar, as a person would. */
    static void signOut(Browser browser) {
        browser.open("/settings/security");
        if (browser.path().startsWith("/signin")) {
            return;
        }
        browser.click(By.cssSelector("#profile-menu > summary")); // the profile menu holds "Sign out"
        browser.clickText("Sign out");
        browser.waitForPath("/signin");
    }

    /**
     * Opens the newest mail to {@code recipient} with a link containing {@code linkPart} the way a person trying the
     * server would: on the dev mailbox page, showing that recipient's mail, opening the message and following its
     * link (screenshots {@code <screenshotName>} and {@code <screenshotName>-message}). Where the dev mailbox page is
     * not there, goes straight to the link read from the dev mailbox table.
     *
     * <p>Links in mails start with {@code gatehouse.base-url}, which in tests names port 0 (the random port is only
     * known after start-up), so the link's path is followed on this server.
     */
    void followMailLink(Browser browser, String recipient, String linkPart, String screenshotName) {
        DevMail.Message message = awaitMailWith(recipient, linkPart);
        String expectedPath = pathOf(message.link(linkPart));
        browser.open("/dev/mailbox");
        if (browser.path().startsWith("/dev/mailbox") && browser.present(By.id("to"))) {
            browser.type("to", recipient).click(By.cssSelector("form[role=search] button[type=submit]"));
            browser.waitForPath("/dev/mailbox?to=" + enc(recipient).replace("%20", "+"));
            browser.screenshot(screenshotName);
            browser.click(By.xpath("//table[@id='mailbox']//a[normalize-space()=" + xpathLiteral(message.subject())
                    + "]"));
            WebElement link = browser.find(By.cssSelector("#text-body a[href*='" + linkPart + "']"));
            browser.screenshot(screenshotName + "-message");
            assertThat(pathOf(link.getAttribute("href"))).isEqualTo(expectedPath);
        }
        browser.open(expectedPath);
    }

    void followMailLink(String recipient, String linkPart, String screenshotName) {
        followMailLink(browser, recipient, linkPart, screenshotName);
    }

    private static String pathOf(String url) {
        return url.replaceFirst("^https?://[^/]+", "");
    }

    /** Waits (10 s at most) for a mail to the address whose text holds {@code textPart}; returns the newest such. */
    DevMail.Message awaitMailWith(String recipient, String textPart) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            List<DevMail.Message> found = mail.to(recipient).stream()
                    .filter(m -> m.text() != null && m.text().contains(textPart)).toList();
            if (!found.isEmpty()) {
                return found.get(found.size() - 1);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no mail with " + textPart + " to " + recipient + "; got "
                        + mail.to(recipient).stream().map(DevMail.Message::subject).toList() + "; outbox: "
                        + outboxFor(recipient));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static String xpathLiteral(String s) {
        return s.contains("'") ? "\"" + s + "\"" : "'" + s + "'";
    }

    /** What the outbox holds for the address, to explain a mail that did not arrive. */
    private String outboxFor(String recipient) {
        try {
            return context.getBean(org.springframework.jdbc.core.simple.JdbcClient.class)
                    .sql("select * from outbox where lower(recipient) = lower(?)").param(recipient)
                    .query().listOfRows().toString();
        } catch (RuntimeException e) {
            return "(could not read: " + e.getMessage() + ")";
        }
    }

    /** The current code of an authenticator app with this key, at the server's (movable) time, from oathtool. */
    String totpNow(String base32Key) {
        String oathtool = Tools.require("oathtool");
        return Tools.run(List.of(oathtool, "--totp", "-b", base32Key, "-N",
                OATHTOOL_TIME.format(clock().instant()))).strip();
    }

    /**
     * Moves the server clock to the next 30-second step and returns the code of that step: a step is accepted once
     * per user, so every code a test enters comes from a fresh one.
     */
    String freshTotp(String base32Key) {
        long seconds = clock().instant().getEpochSecond();
        clock().advance(Duration.ofSeconds(30 - seconds % 30 + 1));
        return totpNow(base32Key);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

package dev.gatehouse.browser;

import dev.gatehouse.factor.email.EmailCodeMethod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import dev.gatehouse.factor.CodeChallenges;
import dev.gatehouse.factor.CodeChallenges.SetupResult;
import dev.gatehouse.factor.CodeChallenges.SetupStart;
import dev.gatehouse.factor.CodeSetup;
import dev.gatehouse.factor.FactorType;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.testsupport.SentCodes;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.testsupport.WebSession;

/**
 * Email and text message codes end to end, with email over real SMTP (GreenMail): turned on in the browser with the
 * code read from the received message, then a sign-in with the next one. Text messages go to the dev mailbox (the
 * SMS gateway of this server), and only numbers of the United Kingdom and Ireland are allowed here. Also, through
 * HTTP, what happens when the SMTP server is down during a sign-in. New accounts start with text messages on, as a
 * deployment's do by default ({@code gatehouse.accounts.text-messages-by-default}; the other test servers turn it
 * off): only sign-up reads it, and only the sign-up journey here signs up, so this server carries it at no cost of a
 * Spring context of its own.
 */
@TestPropertySource(properties = {"gatehouse.mail.gateway=smtp", "spring.mail.host=localhost",
        "gatehouse.mail.from=Gatehouse <no-reply@gatehouse.test>", "gatehouse.sms.allowed-countries=GB,IE",
        "gatehouse.accounts.text-messages-by-default=true"})
class SentCodesBrowserTest extends TwoFactorBrowserSupport {

    private static final int SMTP_PORT = freePort();
    private static final GreenMail SMTP = new GreenMail(new ServerSetup(SMTP_PORT, "localhost", "smtp"));
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String PASSWORD = "violet otter under moonlight";

    static {
        SMTP.start();
    }

    @DynamicPropertySource
    static void smtp(DynamicPropertyRegistry registry) {
        registry.add("spring.mail.port", () -> SMTP_PORT);
    }

    @AfterAll
    static void stopSmtp() {
        SMTP.stop();
    }

    @BeforeEach
    void smtpUp() {
        if (!SMTP.isRunning()) {
            SMTP.start();
        }
    }

    @Test
    void emailCodesWhenTurnedOnInTheBrowserThenSignInWithTheCodeFromTheReceivedMessage() {
        TestUsers.Created ada = users.create("email-browser");
        signIn(browser, ada.email(), ada.password());
        browser.waitForPath("/settings/security");
        browser.screenshot("codes-01-security-off");
        browser.click("setup-email");
        browser.waitForPath("/settings/confirm");
        browser.type("password", ada.password()).click("confirm");
        browser.waitForPath("/settings/two-factor/email");
        assertThat(browser.byId("destination").getAttribute("value")).isEqualTo(ada.email());
        browser.screenshot("codes-02-email-address");
        browser.click("send-code");
        browser.waitForPath("/settings/two-factor/email/verify");
        assertThat(browser.mainText()).contains("We sent a 6-digit code to", ada.email(), "10 minutes");
        browser.screenshot("codes-03-email-setup-code");

        MimeMessage setupMail = awaitMessages(ada.email(), 1).get(0);
        assertThat(subject(setupMail)).isEqualTo("Confirm your address for Gatehouse sign-in codes");
        assertThat(html(setupMail)).doesNotContain("href");
        browser.type("code", SentCodes.codeIn(text(setupMail))).click("verify");
        browser.waitForPath("/settings/backup-codes");
        confirmSaved();
        assertThat(browser.byId("method-email").getText()).contains("On", "Codes go to " + ada.email());
        browser.screenshot("codes-04-security-email-on");

        signOut(browser);
        signIn(browser, ada.email(), ada.password());
        browser.waitForPath("/signin/verify");
        assertThat(browser.byId("sent-to").getText()).contains(ada.email().charAt(0) + "•••@example.com");
        browser.screenshot("codes-05-signin-email");
        MimeMessage signInMail = awaitSignInCodes(ada.email(), 1).get(0);
        assertThat(subject(signInMail)).isEqualTo("Your Gatehouse sign-in code");
        assertThat(text(signInMail)).contains("If this wasn't you", "10 minutes");
        browser.type("code", SentCodes.codeIn(text(signInMail))).click("verify");
        browser.waitForPath("/settings/security");
        assertThat(browser.byId("activity").getText()).contains("Verification code sent", "Signed in");

        // Later, changing the address is a security change: password and a code, emailed for this confirmation.
        clock().advance(Duration.ofMinutes(16));
        browser.click("change-email");
        browser.waitForPath("/settings/confirm");
        assertThat(browser.mainText()).contains("the code we emailed you", "Code from the email");
        browser.screenshot("codes-11-reconfirm-email");
        await().atMost(WAIT).until(() -> messagesTo(ada.email()).stream()
                .anyMatch(m -> subject(m).equals("Your Gatehouse code to confirm a change")));
        MimeMessage confirmMail = messagesTo(ada.email()).stream()
                .filter(m -> subject(m).equals("Your Gatehouse code to confirm a change")).findFirst().orElseThrow();
        browser.type("password", ada.password()).type("code", SentCodes.codeIn(text(confirmMail))).click("confirm");
        browser.waitForPath("/settings/two-factor/email");
        assertThat(browser.h1()).isEqualTo("Change where email codes go");
        browser.screenshot("codes-12-change-email");
    }

    @Test
    void smsCodesWhenTurnedOnInTheBrowserThenWeakestWarningCountryShownBackAndSignInByText() {
        TestUsers.Created bob = users.create("sms-browser");
        signIn(browser, bob.email(), bob.password());
        browser.waitForPath("/settings/security");
        // His account allows text messages and he has no phone on file: asked for one, calmly.
        assertThat(browser.byId("phone-asked").getText())
                .contains("sms-browser Ltd asks every member for a mobile number.", "Add yours in User details");
        browser.screenshot("codes-05a-security-phone-asked");
        browser.click("setup-sms");
        browser.waitForPath("/settings/confirm");
        browser.type("password", bob.password()).click("confirm");
        browser.waitForPath("/settings/two-factor/sms");
        assertThat(browser.byId("sms-weakest").getText()).contains("weakest", "authenticator app or a security key");
        browser.screenshot("codes-06-sms-number");

        // A number of a country this server does not text: a clear message, nothing stored or sent.
        browser.type("destination", "+1 415 555 2671").click("send-code");
        assertThat(browser.byId("destination-error").getText()).contains("can't be sent to numbers in this country");
        browser.screenshot("codes-07-sms-blocked-country");
        assertThat(context.getBean(JdbcClient.class).sql("select count(*) from code_challenges where user_id = ?")
                .param(bob.user().id()).query(Long.class).single()).as("nothing stored, nothing sent").isZero();

        String national = "07400 " + String.format("%06d", ThreadLocalRandom.current().nextInt(1_000_000));
        String e164 = "+447400" + national.substring(6);
        new org.openqa.selenium.support.ui.Select(browser.byId("country")).selectByValue("GB");
        browser.type("destination", national).click("send-code");
        browser.waitForPath("/settings/two-factor/sms/verify");
        assertThat(browser.byId("sent-to").getText()).contains("+44 7400 " + national.substring(6), "United Kingdom");
        browser.screenshot("codes-08-sms-setup-code");
        browser.type("code", new SentCodes(context).awaitCode(e164, 1)).click("verify");
        browser.waitForPath("/settings/backup-codes");
        confirmSaved();
        browser.screenshot("codes-09-security-sms-on");

        signOut(browser);
        signIn(browser, bob.email(), bob.password());
        browser.waitForPath("/signin/verify");
        assertThat(browser.byId("sent-to").getText().replace('\u00a0', ' ')).contains("by text message", "+44 ••••••• ");
        String code = new SentCodes(context).awaitCode(e164, 2);
        browser.type("code", String.format("%06d", (Integer.parseInt(code) + 1) % 1_000_000)).click("verify");
        assertThat(browser.byId("code-error").getText()).contains("That code didn't work");
        browser.screenshot("codes-10-signin-sms-wrong");
        browser.type("code", code).click("verify");
        browser.waitForPath("/settings/security");
    }

    @Test
    void signUpWhenTextMessagesByDefaultThenHeldOnSecurityUntilCodesGoToTheNumberGivenAtSignUp() {
        signOut(browser);
        String email = "sms-signup-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String digits = String.format("%06d", ThreadLocalRandom.current().nextInt(1_000_000));
        String e164 = "+447400" + digits;
        String shown = "+44 7400 " + digits;

        browser.open("/signup");
        assertThat(browser.byId("phone").getAttribute("type")).isEqualTo("tel");
        browser.type("displayName", "Ada Lovelace").type("email", email).type("password", PASSWORD)
                .type("accountName", "Analytical Engines").type("phone", "+44 7400 " + digits);
        browser.screenshot("signup-sms-01-form");
        browser.click("signup");
        browser.waitForPath("/signup/sent");

        // This server sends email over SMTP: the confirmation link is read from the message GreenMail received.
        await().atMost(WAIT).until(() -> messagesTo(email).stream().anyMatch(m -> text(m).contains("/signup/confirm/")));
        String mailText = text(messagesTo(email).stream().filter(m -> text(m).contains("/signup/confirm/"))
                .reduce((first, last) -> last).orElseThrow());
        java.util.regex.Matcher link = java.util.regex.Pattern.compile("https?://[^/\\s]+(/signup/confirm/\\S+)")
                .matcher(mailText);
        assertThat(link.find()).as("a confirmation link in: " + mailText).isTrue();
        browser.open(link.group(1));
        browser.waitForPathStartingWith("/signup/confirm/");
        browser.type("password", PASSWORD).click("confirm");

        // Signed in, and held on the Security page: the new account requires two-step verification from the start.
        browser.waitForPath("/settings/security?welcome");
        assertThat(browser.byId("setup-required").getText()).contains("Welcome! Your account is ready, with one step left.",
                "Your new account, Analytical Engines, starts with two-step verification required",
                "As the account's owner");
        assertThat(browser.present(By.id("phone-asked"))).as("the number given at sign-up is on file").isFalse();
        assertThat(browser.present(By.id("dev-mailbox-note"))).as("mail goes out by SMTP: no dev mailbox to point to")
                .isFalse();
        browser.screenshot("signup-sms-02-security-held");
        UUID accountId = context.getBean(JdbcClient.class).sql("""
                select m.account_id from memberships m join users u on u.id = m.user_id
                where u.email_normalized = lower(?)""").param(email).query(UUID.class).single();
        browser.open("/accounts/" + accountId + "/settings");
        browser.waitForPathStartingWith("/settings/security");

        browser.click("setup-sms");
        browser.waitForPath("/settings/confirm");
        browser.type("password", PASSWORD).click("confirm");
        browser.waitForPath("/settings/two-factor/sms");
        assertThat(browser.byId("destination").getAttribute("value")).as("the number on file, offered")
                .isEqualTo(shown);
        assertThat(browser.byId("destination").getAttribute("readonly")).as("still editable").isNull();
        assertThat(browser.byId("destination-hint").getText()).contains("phone number in your User details");
        browser.screenshot("signup-sms-03-number-prefilled");
        browser.click("send-code");
        browser.waitForPath("/settings/two-factor/sms/verify");
        assertThat(browser.byId("sent-to").getText()).contains(shown);
        browser.type("code", new SentCodes(context).awaitCode(e164, 1)).click("verify");
        browser.waitForPath("/settings/backup-codes");
        confirmSaved();
        assertThat(browser.present(By.id("setup-required"))).isFalse();
        assertThat(browser.byId("method-sms").getText()).contains("On", shown);
        browser.screenshot("signup-sms-04-security-done");

        // Free to go: the account's pages open, and the number on file is now proved.
        browser.open("/accounts/" + accountId + "/settings");
        browser.waitForPath("/accounts/" + accountId + "/settings");
        browser.open("/settings/details");
        assertThat(browser.byId("phone").getText()).contains(shown, "Verified");
        browser.screenshot("signup-sms-05-details-verified");
    }

    @Test
    void signInWhenSmtpDownThenCodeDeliveredOnceWhenItReturnsWhileStillValid() throws Exception {
        TestUsers.Created cy = users.create("smtp-down");
        enrollEmail(cy);
        SMTP.stop();
        WebSession web = new WebSession(port);
        web.get("/signin");
        web.post("/signin", Map.of("email", cy.email(), "password", cy.password()));
        assertThat(web.get("/signin/verify").body()).contains("We sent a 6-digit code to");
        JdbcClient jdbc = context.getBean(JdbcClient.class);
        await().atMost(WAIT).until(() -> jdbc.sql("select attempts from outbox where recipient = ? and status = 'PENDING'"
                + " order by seq desc limit 1").param(cy.email()).query(Integer.class).optional().orElse(0) >= 1);

        SMTP.start();
        clock().advance(Duration.ofSeconds(5));
        List<MimeMessage> delivered = awaitSignInCodes(cy.email(), 1);
        for (int i = 0; i < 5; i++) {
            clock().advance(Duration.ofSeconds(10));
            Thread.sleep(150);
        }

        assertThat(signInCodesTo(cy.email())).as("delivered once").hasSize(1);
        String code = SentCodes.codeIn(text(delivered.get(0)));
        assertThat(web.post("/signin/verify", Map.of("method", "EMAIL", "code", code)).location())
                .isEqualTo("/settings/security");
        assertThat(jdbc.sql("select count(*) from audit_events where type = 'MESSAGE_DELIVERY_FAILED'"
                + " and detail like 'channel=EMAIL domain=example.com %retrying'").query(Long.class).single())
                .isPositive();
    }

    @Test
    void signInWhenSmtpDownUntilTheCodeExpiredThenItIsNeverSentLate() {
        TestUsers.Created dee = users.create("smtp-late");
        enrollEmail(dee);
        SMTP.stop();
        WebSession web = new WebSession(port);
        web.get("/signin");
        web.post("/signin", Map.of("email", dee.email(), "password", dee.password()));
        web.get("/signin/verify");
        JdbcClient jdbc = context.getBean(JdbcClient.class);
        await().atMost(WAIT).until(() -> jdbc.sql("select attempts from outbox where recipient = ? and status = 'PENDING'"
                + " order by seq desc limit 1").param(dee.email()).query(Integer.class).optional().orElse(0) >= 1);

        clock().advance(Duration.ofMinutes(10));
        SMTP.start();
        clock().advance(Duration.ofSeconds(1));

        await().atMost(WAIT).until(() -> "EXPIRED".equals(jdbc.sql("select status from outbox where recipient = ?"
                + " order by seq desc limit 1").param(dee.email()).query(String.class).single()));
        assertThat(signInCodesTo(dee.email())).isEmpty();
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    /** Email codes on through the core, with the code from the message GreenMail received. */
    private void enrollEmail(TestUsers.Created user) {
        CodeChallenges codes = context.getBean(CodeChallenges.class);
        CodeSetup setup = ((SetupStart.Started) codes.startSetup(user.user(), EmailCodeMethod.TYPE, user.email(), null,
                null, ClientInfo.SYSTEM)).setup();
        String code = SentCodes.codeIn(text(awaitMessages(user.email(), 1).get(0)));
        assertThat(codes.finishSetup(user.user(), setup, code, ClientInfo.SYSTEM))
                .isInstanceOf(SetupResult.Enabled.class);
    }

    private static List<MimeMessage> awaitMessages(String to, int count) {
        await().atMost(WAIT).until(() -> messagesTo(to).size() >= count);
        return messagesTo(to);
    }

    private static List<MimeMessage> awaitSignInCodes(String to, int count) {
        await().atMost(WAIT).until(() -> signInCodesTo(to).size() >= count);
        return signInCodesTo(to);
    }

    /** The sign-in code messages to the address (not the setup code, not the notices). */
    private static List<MimeMessage> signInCodesTo(String to) {
        return messagesTo(to).stream().filter(m -> subject(m).equals("Your Gatehouse sign-in code")).toList();
    }

    private static List<MimeMessage> messagesTo(String to) {
        if (!SMTP.isRunning()) {
            return List.of();
        }
        return Arrays.stream(SMTP.getReceivedMessages()).filter(m -> {
            try {
                return m.getRecipients(Message.RecipientType.TO) != null && Arrays.stream(
                        m.getRecipients(Message.RecipientType.TO)).anyMatch(a -> a.toString().equals(to));
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    private static String subject(MimeMessage message) {
        try {
            return message.getSubject();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(MimeMessage message) {
        return part(message, 0);
    }

    private static String html(MimeMessage message) {
        return part(message, 1);
    }

    private static String part(MimeMessage message, int index) {
        try {
            BodyPart part = ((MimeMultipart) message.getContent()).getBodyPart(index);
            return (String) part.getContent();
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

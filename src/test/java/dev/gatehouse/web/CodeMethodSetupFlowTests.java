package dev.gatehouse.web;

import dev.gatehouse.factor.sms.SmsCodeMethod;
import dev.gatehouse.factor.email.EmailCodeMethod;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.factor.CodeChallenges;
import dev.gatehouse.factor.CodeProperties;
import dev.gatehouse.factor.FactorService;
import dev.gatehouse.factor.FactorType;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.testsupport.SentCodes;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.testsupport.WebSession;
import dev.gatehouse.testsupport.WebSession.Page;

/**
 * Security tab > Email codes and Text message codes through HTTP: re-confirmation first, the destination checked
 * (a bad one stores and sends nothing), a code sent there and typed back, "Send a new code" with its cooldown, and
 * changing where codes go. The code a test types is read from the message the dev mailbox received.
 */
abstract class CodeMethodSetupFlowTests extends WebFlowSupport {

    SentCodes codes() {
        return new SentCodes(ctx);
    }

    /** A user without a method, signed in and re-confirmed for the setup page of {@code method}. */
    record Ready(TestUsers.Created user, WebSession web) {
    }

    Ready confirmedFor(String name, String method) {
        TestUsers.Created user = users().create(name);
        WebSession web = signedIn(user.email(), PASSWORD);
        Page first = web.get("/settings/two-factor/" + method);
        assertThat(first.location()).as("a security change asks to confirm it's you")
                .isEqualTo("/settings/confirm?next=/settings/two-factor/" + method);
        web.get(first.location());
        assertThat(web.post("/settings/confirm", Map.of("password", PASSWORD, "next", "/settings/two-factor/" + method))
                .location()).isEqualTo("/settings/two-factor/" + method);
        return new Ready(user, web);
    }

    @Test
    void emailSetupWhenCodeFromTheMessageTypedBackThenOnAuditedAndFirstBackupCodesShown() {
        Ready ada = confirmedFor("email-setup", "email");
        Page form = ada.web().get("/settings/two-factor/email");
        assertThat(form.status()).isEqualTo(200);
        assertThat(text(form)).contains("Get sign-in codes by email", "value=\"" + ada.user().email() + "\"");

        Page started = ada.web().post("/settings/two-factor/email", Map.of("destination", ada.user().email()));
        assertThat(started.location()).isEqualTo("/settings/two-factor/email/verify");
        Page verify = ada.web().get("/settings/two-factor/email/verify");
        assertThat(text(verify)).contains("Check your email", "We sent a 6-digit code to", ada.user().email(),
                "for 10 minutes (until", "Send a new code", "Use a different address");
        String code = codes().awaitCode(ada.user().email(), 1);

        Page done = ada.web().post("/settings/two-factor/email/verify", Map.of("code", code));

        assertThat(done.location()).isEqualTo("/settings/backup-codes");
        assertThat(text(ada.web().get("/settings/backup-codes"))).as("the first method is asked for first")
                .contains("Email codes are on. From now on we'll email you a code when you sign in.");
        assertThat(ctx.getBean(FactorService.class).factor(ada.user().user().id(), EmailCodeMethod.TYPE))
                .hasValueSatisfying(f -> assertThat(f.publicData()).isEqualTo(ada.user().email()));
        assertThat(auditTypes(ada.user().user().id())).containsSubsequence(AuditEventType.REAUTHENTICATED,
                AuditEventType.CODE_SENT, AuditEventType.FACTOR_ENABLED, AuditEventType.BACKUP_CODES_GENERATED);
        assertThat(mail().await(ada.user().email(), "method added: Email codes").text()).contains("Email codes");
    }

    @Test
    void smsSetupWhenNumberInACommonFormatThenStoredAsE164WithTheCountryShownBack() {
        Ready ada = confirmedFor("sms-setup", "sms");
        Page form = ada.web().get("/settings/two-factor/sms");
        assertThat(text(form)).contains("Text messages are the weakest way to verify",
                "We recommend an authenticator app or a security key as well", "United Kingdom (+44)");
        String national = "07400 " + String.format("%06d", ThreadLocalRandom.current().nextInt(1_000_000));
        String e164 = "+447400" + national.substring(6);

        Page started = ada.web().post("/settings/two-factor/sms", Map.of("country", "GB", "destination", national));

        assertThat(started.location()).isEqualTo("/settings/two-factor/sms/verify");
        Page verify = ada.web().get("/settings/two-factor/sms/verify");
        assertThat(text(verify)).contains("Check your phone", "+44 7400 " + national.substring(6), "(United Kingdom)");
        String code = codes().awaitCode(e164, 1);
        assertThat(ada.web().post("/settings/two-factor/sms/verify", Map.of("code", code)).location())
                .isEqualTo("/settings/backup-codes");
        assertThat(ctx.getBean(FactorService.class).factor(ada.user().user().id(), SmsCodeMethod.TYPE).orElseThrow()
                .publicData()).isEqualTo(e164);
    }

    /**
     * A number other accounts have typed into their setups until its limit: the next setup to it sends nothing, and
     * the page says that this number's limit was met and when it resets (not that the user asked for too many).
     */
    @Test
    void smsSetupWhenTheNumbersSetupLimitIsMetThenSaysItIsTheNumbersAndWhenNothingSent() {
        String number = "+447400" + String.format("%06d", ThreadLocalRandom.current().nextInt(1_000_000));
        CodeChallenges challenges = ctx.getBean(CodeChallenges.class);
        for (int i = 0; i < ctx.getBean(CodeProperties.class).destinationSetupSendsPerWindow(); i++) {
            assertThat(challenges.startSetup(users().create("dest-filler").user(), SmsCodeMethod.TYPE, number, null,
                    null, new ClientInfo("198.51.100.20", "elsewhere"))).isInstanceOf(CodeChallenges.SetupStart.Started.class);
        }
        long sent = count("select count(*) from outbox where recipient = ?", number);
        Ready ada = confirmedFor("dest-limit", "sms");
        ada.web().get("/settings/two-factor/sms");

        Page refused = ada.web().post("/settings/two-factor/sms", Map.of("country", "GB", "destination", number));

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).isPresent()
                .hasValueSatisfying(s -> assertThat(Integer.parseInt(s)).isPositive());
        assertThat(text(refused)).contains("Many codes were sent to this address or number in a short time",
                "You can send a new code there after").doesNotContain("You have asked for a lot of codes");
        assertThat(count("select count(*) from outbox where recipient = ?", number)).isEqualTo(sent);
        assertThat(ada.web().post("/settings/two-factor/sms", Map.of("country", "GB", "destination",
                "+447400" + String.format("%06d", ThreadLocalRandom.current().nextInt(1_000_000)))).location())
                .as("another number has its own limit").isEqualTo("/settings/two-factor/sms/verify");
    }

    @Test
    void setupWhenWrongOrExpiredCodeThenSaysSoAndTheRightNewCodeWorks() {
        Ready ada = confirmedFor("setup-wrong", "email");
        ada.web().get("/settings/two-factor/email");
        ada.web().post("/settings/two-factor/email", Map.of("destination", ada.user().email()));
        ada.web().get("/settings/two-factor/email/verify");
        String code = codes().awaitCode(ada.user().email(), 1);

        Page wrong = ada.web().post("/settings/two-factor/email/verify", Map.of("code", flip(code)));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(text(wrong)).contains("That code didn't work");

        clock().advance(Duration.ofMinutes(10));
        Page expired = ada.web().post("/settings/two-factor/email/verify", Map.of("code", code));
        assertThat(expired.status()).isEqualTo(401);
        assertThat(text(expired)).contains("This code has expired. Send a new code");

        assertThat(ada.web().post("/settings/two-factor/email/resend", Map.of()).location())
                .isEqualTo("/settings/two-factor/email/verify");
        assertThat(text(ada.web().get("/settings/two-factor/email/verify"))).contains("We sent a new code");
        String fresh = codes().awaitCode(ada.user().email(), 2);
        assertThat(ada.web().post("/settings/two-factor/email/verify", Map.of("code", fresh)).location())
                .isEqualTo("/settings/backup-codes");
    }

    @Test
    void resendWhenWithinTheCooldownThenNothingSentAndSaysHowLongToWait() {
        Ready ada = confirmedFor("setup-resend", "email");
        ada.web().get("/settings/two-factor/email");
        ada.web().post("/settings/two-factor/email", Map.of("destination", ada.user().email()));
        Page verify = ada.web().get("/settings/two-factor/email/verify");
        assertThat(text(verify)).contains("You can ask for a new code after");
        String first = codes().awaitCode(ada.user().email(), 1);
        clock().advance(Duration.ofSeconds(20));

        assertThat(ada.web().post("/settings/two-factor/email/resend", Map.of()).location())
                .isEqualTo("/settings/two-factor/email/verify");
        Page waiting = ada.web().get("/settings/two-factor/email/verify");
        assertThat(text(waiting)).contains("wait 40 seconds before asking for a new one");
        // Said as a note, not as an error: nothing went wrong (a first-time walk-through read a red box as one).
        assertThat(waiting.body()).contains("<p class=\"notice warning\" data-flash role=\"status\">A code was sent");
        // Typing the address again is no way around the cooldown either.
        ada.web().get("/settings/two-factor/email");
        ada.web().post("/settings/two-factor/email", Map.of("destination", ada.user().email()));
        assertThat(count("select count(*) from outbox where recipient = ?", ada.user().email())).isEqualTo(1);

        clock().advance(Duration.ofSeconds(40));
        ada.web().get("/settings/two-factor/email/verify");
        ada.web().post("/settings/two-factor/email/resend", Map.of());
        String second = codes().awaitCode(ada.user().email(), 2);
        if (!second.equals(first)) {
            assertThat(ada.web().post("/settings/two-factor/email/verify", Map.of("code", first)).status())
                    .as("the new code replaced the old").isEqualTo(401);
        }
        assertThat(ada.web().post("/settings/two-factor/email/verify", Map.of("code", second)).location())
                .isEqualTo("/settings/backup-codes");
    }

    @Test
    void setupWhenBadAddressOrNumberThenClearMessageNothingStoredNothingSent() {
        Ready ada = confirmedFor("setup-bad", "email");
        UUID id = ada.user().user().id();
        // Messages queued from here on (the outbox's retention may delete old sent ones meanwhile: not a count of all).
        long lastBefore = count("select coalesce(max(seq), 0) from outbox");
        Map<String, String> emails = Map.of(
                "ada@example.com\r\nBcc: eve@example.org", "Enter an email address like name@example.com.",
                "ada@example.com\r\n", "Enter an email address like name@example.com.",
                "a".repeat(300) + "@example.com", "This email address is too long.",
                "no-at-sign.example.com", "Enter an email address like name@example.com.");
        emails.forEach((typed, message) -> {
            ada.web().get("/settings/two-factor/email");
            Page page = ada.web().post("/settings/two-factor/email", Map.of("destination", typed));
            assertThat(page.status()).as(typed).isEqualTo(422);
            assertThat(text(page)).as(typed).contains(message).doesNotContain("Bcc: eve");
        });
        ada.web().get("/settings/two-factor/sms");
        Map<String, String> numbers = Map.of(
                "+44 7700 900123", "This number does not exist in that country's numbering plan.",
                "07400 12x456", "Enter a phone number with digits only",
                "+44 20 7946 0958", "This number can't receive text messages",
                "+44 909 090 1234", "This number can't receive text messages",
                "07400 123456", "Choose the country of the number",
                "+447400123456\r\nX: y", "Enter a phone number with digits only",
                "7".repeat(60), "That is too long for a phone number.");
        numbers.forEach((typed, message) -> {
            Page page = ada.web().post("/settings/two-factor/sms", Map.of("country", "", "destination", typed));
            assertThat(page.status()).as(typed).isEqualTo(422);
            assertThat(text(page)).as(typed).contains(message);
        });

        assertThat(count("select count(*) from code_challenges where user_id = ?", id)).isZero();
        assertThat(count("select count(*) from second_factors where user_id = ?", id)).isZero();
        assertThat(count("select count(*) from audit_events where user_id = ? and type = 'CODE_SENT'", id)).isZero();
        assertThat(count("select count(*) from outbox where seq > ?", lastBefore)).as("nothing sent").isZero();
    }

    @Test
    void setupWhenTooManyWrongCodesThenCodeEntryPausedAndPageSaysUntilWhen() {
        Ready ada = confirmedFor("setup-locked", "sms");
        String number = "+447400" + String.format("%06d", ThreadLocalRandom.current().nextInt(1_000_000));
        ada.web().get("/settings/two-factor/sms");
        ada.web().post("/settings/two-factor/sms", Map.of("country", "GB", "destination", number));
        ada.web().get("/settings/two-factor/sms/verify");
        String code = codes().awaitCode(number, 1);
        for (int i = 0; i < 5; i++) {
            assertThat(ada.web().post("/settings/two-factor/sms/verify", Map.of("code", flip(code))).status())
                    .isEqualTo(401);
        }

        Page locked = ada.web().post("/settings/two-factor/sms/verify", Map.of("code", flip(code)));

        assertThat(locked.status()).isEqualTo(429);
        assertThat(text(locked)).contains("Too many wrong codes").doesNotContain("id=\"code\"")
                .as("the pause counts sign-in's wrong codes too, and says what those mean")
                .contains("here or at sign-in", "someone else may know your password");
        assertThat(ada.web().post("/settings/two-factor/sms/verify", Map.of("code", code)).status())
                .as("even the right code waits").isEqualTo(429);
        Page reopened = ada.web().get("/settings/two-factor/sms/verify");
        assertThat(reopened.status()).as("the page says so on opening").isEqualTo(429);
        assertThat(text(reopened)).contains("Too many wrong codes").doesNotContain("id=\"code\"")
                .as("no new code is offered while none could be typed").doesNotContain("resend-form");
        clock().advance(Duration.ofSeconds(61)); // past the cooldown between codes, within the 5-minute pause
        int sent = codes().count(number);
        assertThat(ada.web().post("/settings/two-factor/sms/resend", Map.of()).location())
                .isEqualTo("/settings/two-factor/sms/verify");
        assertThat(codes().count(number)).as("none is sent either").isEqualTo(sent);
        String other = "+447400" + String.format("%06d", ThreadLocalRandom.current().nextInt(1_000_000));
        Page elsewhere = ada.web().post("/settings/two-factor/sms", Map.of("country", "GB", "destination", other));
        assertThat(elsewhere.status()).as("nor to a number typed anew").isEqualTo(429);
        assertThat(text(elsewhere)).contains("Too many wrong codes");
        assertThat(codes().count(other)).isZero();
        assertThat(count("select count(*) from second_factors where user_id = ?", ada.user().user().id())).isZero();
    }

    @Test
    void changeWhenMethodOnThenNewAddressProvedAndCodesMoveThereAnnounced() {
        Ready ada = confirmedFor("change", "email");
        ada.web().get("/settings/two-factor/email");
        ada.web().post("/settings/two-factor/email", Map.of("destination", ada.user().email()));
        ada.web().get("/settings/two-factor/email/verify");
        ada.web().post("/settings/two-factor/email/verify", Map.of("code", codes().awaitCode(ada.user().email(), 1)));
        String other = "codes-" + ada.user().email();
        // Another browser signed in with an email code before the change.
        WebSession phone = browser();
        assertThat(signIn(phone, ada.user().email(), PASSWORD).location()).isEqualTo("/signin/verify");
        phone.get("/signin/verify");
        assertThat(phone.post("/signin/verify", Map.of("code", codes().awaitCode(ada.user().email(), 2))).location())
                .isEqualTo("/settings/security");

        Page form = ada.web().get("/settings/two-factor/email");
        assertThat(text(form)).contains("Change where email codes go", "Codes go to " + ada.user().email() + " now.");
        ada.web().post("/settings/two-factor/email", Map.of("destination", other));
        Page verify = ada.web().get("/settings/two-factor/email/verify");
        assertThat(text(verify)).contains(other, ">Confirm<");
        Page done = ada.web().post("/settings/two-factor/email/verify", Map.of("code", codes().awaitCode(other, 1)));

        assertThat(done.location()).isEqualTo("/settings/security");
        assertThat(ctx.getBean(FactorService.class).factor(ada.user().user().id(), EmailCodeMethod.TYPE).orElseThrow()
                .publicData()).isEqualTo(other);
        assertThat(auditTypes(ada.user().user().id())).contains(AuditEventType.CODE_DESTINATION_CHANGED);
        assertThat(mail().await(ada.user().email(), "Your email codes go somewhere new").text()).contains("c•••@example.com");
        assertThat(phone.get("/settings/security").location()).as("the other session ended").isEqualTo("/signin");
        assertThat(ada.web().get("/settings/security").status()).as("this one goes on").isEqualTo(200);

        clock().advance(Duration.ofMinutes(16));
        assertThat(ada.web().get("/settings/two-factor/email").location()).as("later, it asks again")
                .isEqualTo("/settings/confirm?next=/settings/two-factor/email");
    }

    @Test
    void setupPagesWhenAnotherUsersSessionOrSignedOutThenNothingOfTheirs() {
        Ready ada = confirmedFor("setup-own", "email");
        ada.web().get("/settings/two-factor/email");
        ada.web().post("/settings/two-factor/email", Map.of("destination", ada.user().email()));
        String code = codes().awaitCode(ada.user().email(), 1);

        WebSession stranger = browser();
        assertThat(stranger.post("/settings/two-factor/email/verify", Map.of("code", code)).status())
                .as("signed out: no form without a CSRF token").isIn(302, 403);
        Ready bob = confirmedFor("setup-other", "email");
        assertThat(bob.web().get("/settings/two-factor/email/verify").location())
                .as("bob has no setup of his own").isEqualTo("/settings/two-factor/email");
        assertThat(bob.web().post("/settings/two-factor/email/verify", Map.of("code", code)).location())
                .isEqualTo("/settings/two-factor/email");
        assertThat(count("select count(*) from second_factors where user_id in (?, ?)", ada.user().user().id(),
                bob.user().user().id())).isZero();
    }

    static String flip(String code) {
        return String.format("%06d", (Integer.parseInt(code) + 1) % 1_000_000);
    }
}

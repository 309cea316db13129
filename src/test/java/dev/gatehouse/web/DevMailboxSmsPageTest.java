package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.notify.DevMailMessage;
import dev.gatehouse.notify.DevMailbox;
import dev.gatehouse.notify.Notifier;
import dev.gatehouse.notify.SmsMessage;
import dev.gatehouse.testsupport.H2Test;
import dev.gatehouse.testsupport.WebSession;
import dev.gatehouse.testsupport.WebSession.Page;

/** In the dev profile, text messages land in the dev mailbox too, listed by number with their text. */
@H2Test
class DevMailboxSmsPageTest {

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @Test
    void mailboxWhenTextMessageDeliveredThenListedByNumberWithItsText() throws InterruptedException {
        String to = "+447400" + String.format("%06d", (int) (Math.random() * 1_000_000));
        context.getBean(TransactionTemplate.class).executeWithoutResult(s -> context.getBean(Notifier.class).send(
                new SmsMessage(to, "verification-code", Map.of("code", "314159", "purpose", "SIGN_IN", "minutes", 10L),
                        // The server's clock, which other tests sharing this server may have moved on.
                        context.getBean(Clock.class).instant().plusSeconds(600))));
        DevMailbox mailbox = context.getBean(DevMailbox.class);
        for (int i = 0; i < 200 && mailbox.latestTo(to).isEmpty(); i++) {
            Thread.sleep(50);
        }
        DevMailMessage sms = mailbox.latestTo(to).orElseThrow();
        WebSession web = new WebSession(port);

        Page list = web.get("/dev/mailbox?to=%2B" + to.substring(1));
        assertThat(list.body()).contains(to, "Text message", "Gatehouse sign-in code: 314159");
        Page shown = web.get("/dev/mailbox/" + sms.id());
        assertThat(shown.body()).contains("Text message to " + to, "Gatehouse sign-in code: 314159")
                .doesNotContain("iframe");
        assertThat(sms.channel()).isEqualTo("SMS");
        assertThat(sms.subject()).isEmpty();
    }
}

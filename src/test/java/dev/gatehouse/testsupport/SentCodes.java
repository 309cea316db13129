package dev.gatehouse.testsupport;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Reads the verification codes the dev-mailbox gateway delivered by email or text message, as the person they were
 * sent to would: from the message, waiting up to 10 s for it to arrive.
 */
public final class SentCodes {

    /**
     * Six digits standing alone: not part of a date, a time, a longer number or a word. A link's random token (base64url)
     * holds six digits in a row about once in 2,000 mails; with "code" elsewhere in the mail (a name such as
     * "details-codes") that mail was read as a code message.
     */
    private static final Pattern CODE = Pattern.compile("(?<![\\w:/=-])(\\d{6})(?![\\w:/=-])");

    private final JdbcClient jdbc;

    public SentCodes(ApplicationContext context) {
        this.jdbc = context.getBean(JdbcClient.class);
    }

    /** The texts of the code messages delivered to the recipient (address or E.164 number), oldest first. */
    public List<String> messages(String recipient) {
        return jdbc.sql("""
                select text_body from dev_mailbox where lower(recipient) = lower(?) order by seq""")
                .param(recipient).query(String.class).list().stream()
                .filter(text -> CODE.matcher(text).find() && text.contains("code")).toList();
    }

    /** How many code messages reached the recipient. */
    public int count(String recipient) {
        return messages(recipient).size();
    }

    /** Waits for the {@code nth} (1-based) code message to the recipient and returns its code. */
    public String awaitCode(String recipient, int nth) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            List<String> all = messages(recipient);
            if (all.size() >= nth) {
                return codeIn(all.get(nth - 1));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + nth + " code messages to " + recipient + ", got " + all.size());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    public static String codeIn(String text) {
        Matcher m = CODE.matcher(text);
        if (!m.find()) {
            throw new AssertionError("no 6-digit code in: " + text);
        }
        return m.group(1);
    }
}

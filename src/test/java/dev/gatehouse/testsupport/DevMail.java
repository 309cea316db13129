package dev.gatehouse.testsupport;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Reads what the dev-mailbox gateway delivered (the relay runs every 100 ms in tests), waiting up to 10 s for a
 * message to arrive. Reads the table directly so tests see exactly what was delivered.
 */
public final class DevMail {

    private final JdbcClient jdbc;

    public DevMail(ApplicationContext context) {
        this.jdbc = context.getBean(JdbcClient.class);
    }

    public record Message(String recipient, String subject, String text, String html) {

        /** The first link in the text body that starts with {@code prefix} (e.g. "http://localhost:1234/signup/confirm/"). */
        public String link(String containing) {
            Matcher m = Pattern.compile("https?://\\S*" + Pattern.quote(containing) + "\\S*").matcher(text);
            if (!m.find()) {
                throw new AssertionError("no link with " + containing + " in: " + text);
            }
            return m.group();
        }
    }

    /** All messages delivered to the address, oldest first. */
    public List<Message> to(String recipient) {
        return jdbc.sql("""
                select recipient, subject, text_body, html_body from dev_mailbox
                where lower(recipient) = lower(?) order by seq""")
                .param(recipient)
                .query((rs, n) -> new Message(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)))
                .list();
    }

    /** Waits until at least {@code count} messages reached the address; returns the newest. */
    public Message awaitNth(String recipient, int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            List<Message> all = to(recipient);
            if (all.size() >= count) {
                return all.get(count - 1);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + count + " messages to " + recipient + ", got " + all.size());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Waits for a message to the address whose subject contains the text; returns it. */
    public Message await(String recipient, String subjectContains) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            for (Message m : to(recipient)) {
                if (m.subject().contains(subjectContains)) {
                    return m;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no message '" + subjectContains + "' to " + recipient + "; got "
                        + to(recipient).stream().map(Message::subject).toList());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}

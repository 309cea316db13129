package dev.gatehouse.reliability;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import dev.gatehouse.testsupport.SentCodes;

/**
 * The SMTP server of the nodes (GreenMail on a fixed port), which the suite can stop and start again to make a mail
 * outage. What it received before a stop is kept, so counts span outages.
 */
final class Mailbox {

    /** One message as received: to whom, and its plain-text part. */
    record Mail(String to, String subject, String text) {

        Optional<String> code() {
            try {
                return Optional.of(SentCodes.codeIn(text));
            } catch (AssertionError noCode) {
                return Optional.empty();
            }
        }
    }

    private final int port;
    private final List<Mail> beforeOutages = new ArrayList<>();
    /**
     * The current server's messages read so far, in the order the suite first saw them: each is parsed once, however
     * often the suite looks (GreenMail lists them by mailbox, not by arrival).
     */
    private final java.util.Map<MimeMessage, Mail> read = new java.util.IdentityHashMap<>();
    private final List<Mail> readInOrder = new ArrayList<>();
    private GreenMail server;

    Mailbox(int port) {
        this.port = port;
    }

    int port() {
        return port;
    }

    synchronized void start() {
        server = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        server.start();
    }

    /** Stops accepting mail: the port refuses connections until {@link #start()}. */
    synchronized void stop() {
        beforeOutages.addAll(current());
        server.stop();
        server = null;
        read.clear();
        readInOrder.clear();
    }

    synchronized boolean running() {
        return server != null;
    }

    /** Every message received so far, in the order the suite saw them arrive. */
    synchronized List<Mail> all() {
        List<Mail> all = new ArrayList<>(beforeOutages);
        if (server != null) {
            all.addAll(current());
        }
        return all;
    }

    List<Mail> to(String recipient) {
        return all().stream().filter(m -> m.to().equalsIgnoreCase(recipient)).toList();
    }

    private List<Mail> current() {
        for (MimeMessage message : server.getReceivedMessages()) {
            if (!read.containsKey(message)) {
                Mail mail = read(message);
                read.put(message, mail);
                readInOrder.add(mail);
            }
        }
        return readInOrder;
    }

    private static Mail read(MimeMessage message) {
        try {
            String to = message.getRecipients(Message.RecipientType.TO)[0].toString();
            Object content = message.getContent();
            String text = content instanceof Multipart multipart ? plainPart(multipart) : String.valueOf(content);
            return new Mail(to, message.getSubject(), text);
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException("unreadable message in the test mailbox", e);
        }
    }

    private static String plainPart(Multipart multipart) throws MessagingException, IOException {
        for (int i = 0; i < multipart.getCount(); i++) {
            BodyPart part = multipart.getBodyPart(i);
            if (part.isMimeType("text/plain")) {
                return String.valueOf(part.getContent());
            }
        }
        throw new IllegalStateException("a message without a plain-text part");
    }
}

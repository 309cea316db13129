package dev.gatehouse.notify;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Date;

import jakarta.mail.MessagingException;
import jakarta.mail.Message;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.mail.MailException;
import org.springframework.mail.MailSendException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;

/**
 * Sends email through the SMTP server of {@code spring.mail.*} as multipart/alternative (plain text first, then
 * HTML, so clients that show only one part show the one they can).
 */
@Component
@ConditionalOnProperty(name = "gatehouse.mail.gateway", havingValue = "smtp")
class SmtpMailGateway implements MailGateway {

    private final JavaMailSender sender;
    private final InternetAddress from;
    private final Clock clock;

    SmtpMailGateway(ObjectProvider<JavaMailSender> sender, NotifyProperties properties, Clock clock)
            throws AddressException {
        this.sender = sender.getIfAvailable();
        if (this.sender == null) {
            throw new IllegalStateException("gatehouse.mail.gateway=smtp needs spring.mail.host (and usually "
                    + "spring.mail.port, spring.mail.username, spring.mail.password)");
        }
        this.from = new InternetAddress(properties.from(), true);
        this.clock = clock;
    }

    @Override
    public Delivery deliver(OutboundMessage message) {
        if (message.channel() != Channel.EMAIL) {
            throw new IllegalArgumentException("SMTP delivers email only, not " + message.channel());
        }
        MimeMessage mime;
        try {
            mime = mime(message);
        } catch (AddressException e) {
            return new Delivery.Failed(e.getClass().getSimpleName(), true);
        } catch (MessagingException e) {
            return new Delivery.Failed(e.getClass().getSimpleName(), false);
        }
        try {
            sender.send(mime);
            return new Delivery.Delivered();
        } catch (MailException e) {
            Throwable cause = cause(e);
            // The server refused the address itself: no retry can change that.
            boolean permanent = cause instanceof SendFailedException failed && failed.getInvalidAddresses() != null
                    && failed.getInvalidAddresses().length > 0;
            return new Delivery.Failed(cause.getClass().getSimpleName(), permanent);
        }
    }

    /**
     * The address as it goes on the wire: its domain in ASCII (IDNA), its local part only if it is ASCII already. The
     * mail library would otherwise write each character as its low byte, and deliver to another mailbox (found by an
     * outside attack in stop 31); {@code Inputs.emailProblem} refuses such addresses, this refuses any stored before.
     */
    static String ascii(String recipient) throws AddressException {
        int at = recipient.lastIndexOf('@');
        String local = at < 0 ? recipient : recipient.substring(0, at);
        if (at < 0 || !local.chars().allMatch(c -> c < 0x80)) {
            throw new AddressException("not an ASCII local part");
        }
        try {
            return local + "@" + java.net.IDN.toASCII(recipient.substring(at + 1));
        } catch (IllegalArgumentException e) {
            throw new AddressException("not a domain name");
        }
    }

    private MimeMessage mime(OutboundMessage message) throws MessagingException {
        MimeMessage mime = sender.createMimeMessage();
        mime.setFrom(from);
        mime.setRecipient(Message.RecipientType.TO, new InternetAddress(ascii(message.recipient()), true));
        mime.setSubject(message.subject(), StandardCharsets.UTF_8.name());
        mime.setSentDate(Date.from(clock.instant()));
        // RFC 3834: out-of-office robots must not answer a machine.
        mime.setHeader("Auto-Submitted", "auto-generated");
        MimeBodyPart text = new MimeBodyPart();
        text.setText(message.textBody(), StandardCharsets.UTF_8.name(), "plain");
        MimeBodyPart html = new MimeBodyPart();
        html.setText(message.htmlBody(), StandardCharsets.UTF_8.name(), "html");
        MimeMultipart alternative = new MimeMultipart("alternative");
        alternative.addBodyPart(text);
        alternative.addBodyPart(html);
        mime.setContent(alternative);
        return mime;
    }

    /** The most telling cause: Spring wraps each failed message's exception inside a MailSendException. */
    private static Throwable cause(MailException e) {
        if (e instanceof MailSendException send && !send.getFailedMessages().isEmpty()) {
            Exception first = send.getFailedMessages().values().iterator().next();
            if (first instanceof SendFailedException) {
                return first;
            }
            return NestedExceptionUtils.getMostSpecificCause(first);
        }
        return NestedExceptionUtils.getMostSpecificCause(e);
    }
}

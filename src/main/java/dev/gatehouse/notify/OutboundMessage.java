package dev.gatehouse.notify;

import java.util.Objects;
import java.util.UUID;

/**
 * A rendered message taken from the outbox, ready for a gateway.
 *
 * @param id        the outbox row; the same on every retry, so a gateway may use it to spot duplicates; never null
 * @param channel   never null
 * @param recipient an email address or an E.164 phone number, without line breaks; never null
 * @param subject   one line; empty for SMS; never null
 * @param textBody  the plain-text body; never null
 * @param htmlBody  the HTML body; empty for SMS; never null
 */
record OutboundMessage(UUID id, Channel channel, String recipient, String subject, String textBody, String htmlBody) {

    OutboundMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(textBody, "textBody");
        Objects.requireNonNull(htmlBody, "htmlBody");
        if (recipient.indexOf('\r') >= 0 || recipient.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("recipient must not contain line breaks");
        }
        if (subject.indexOf('\r') >= 0 || subject.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("subject must not contain line breaks");
        }
    }

    /** The part of the recipient that may appear in logs and audit details: an email's domain, else nothing. */
    String recipientDomain() {
        int at = recipient.lastIndexOf('@');
        return at < 0 ? "" : recipient.substring(at + 1);
    }

    /**
     * What logs and audit details may say about the recipient: {@code domain=example.com} for an email,
     * {@code country=GB} for a text message (never the address or the number).
     */
    String recipientHint() {
        if (channel == Channel.EMAIL) {
            return "domain=" + recipientDomain();
        }
        try {
            var util = com.google.i18n.phonenumbers.PhoneNumberUtil.getInstance();
            String region = util.getRegionCodeForNumber(util.parse(recipient, null));
            return "country=" + (region == null ? "unknown" : region);
        } catch (com.google.i18n.phonenumbers.NumberParseException e) {
            return "country=unknown";
        }
    }

    @Override
    public String toString() {
        // Bodies carry links and codes: a stray log of this record must not print them.
        return "OutboundMessage[id=" + id + ", channel=" + channel + ", " + recipientHint() + "]";
    }
}

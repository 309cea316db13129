package dev.gatehouse.notify;

/**
 * Hands one rendered message to the outside world. Exactly one bean is active, chosen by
 * {@code gatehouse.mail.gateway} ({@code smtp} or {@code dev-mailbox}). Stateless and thread-safe: several relay
 * threads (and nodes) call it at once.
 *
 * <p>The relay calls it outside any transaction, after claiming the row, and may call it again for the same
 * {@link OutboundMessage#id()} after a failure or a crash (delivery is at least once). An implementation must not log
 * the subject or bodies: they carry links and codes.
 */
interface MailGateway {

    /** Tries to deliver the message; never null. Expected failures are returned, not thrown. */
    Delivery deliver(OutboundMessage message);
}

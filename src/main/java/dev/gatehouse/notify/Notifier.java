package dev.gatehouse.notify;

import java.util.UUID;

/**
 * Outbound messages to users. Every call writes a row into the transactional outbox inside the caller's transaction:
 * if the caller's change rolls back, nothing is sent; once it commits, the relay delivers the message with retries,
 * so a mail outage delays a message and loses none.
 */
public interface Notifier {

    /**
     * Queues an email; never sends synchronously. Must be called inside the transaction of the change it reports.
     * Returns the message's id (for {@link #withdraw}).
     */
    UUID send(EmailMessage message);

    /**
     * Queues a text message, like {@link #send(EmailMessage)}. Only when {@link #smsAvailable()}; otherwise the message
     * would fail for want of a gateway.
     */
    UUID send(SmsMessage message);

    /** Whether a text-message gateway is configured ({@code gatehouse.sms.gateway} is not {@code none}). */
    boolean smsAvailable();

    /**
     * Drops a queued message that has not gone out yet, e.g. one carrying a code that a new code replaced; does nothing
     * when it was delivered, dropped already, or is being delivered this moment. Joins the caller's transaction.
     */
    void withdraw(UUID messageId);
}

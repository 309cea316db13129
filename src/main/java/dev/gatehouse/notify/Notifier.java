package dev.gatehouse.notify;

/**
 * Outbound messages to users. Every call writes a row into the transactional outbox inside the caller's transaction:
 * if the caller's change rolls back, nothing is sent; once it commits, the relay delivers the message with retries,
 * so a mail outage delays a message and loses none.
 */
public interface Notifier {

    /** Queues an email; never sends synchronously. Must be called inside the transaction of the change it reports. */
    void send(EmailMessage message);
}

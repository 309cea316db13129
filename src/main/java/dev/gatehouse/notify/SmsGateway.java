package dev.gatehouse.notify;

/**
 * Hands one text message to an SMS provider. At most one bean is active, chosen by {@code gatehouse.sms.gateway}
 * ({@code twilio}, {@code webhook} or {@code dev-mailbox}; {@code none} leaves none, and text messages cannot be sent).
 * Stateless and thread-safe; called by the relay outside any transaction, possibly again for the same
 * {@link OutboundMessage#id()} after a failure (at least once).
 *
 * <p>An implementation must never log or put into a failure reason the body (it carries the code), nor the provider's
 * error text (it often repeats the number): a reason is a status and an error code.
 */
interface SmsGateway {

    /** Tries to deliver the message; never null. Expected failures are returned, not thrown. */
    Delivery deliver(OutboundMessage message);
}

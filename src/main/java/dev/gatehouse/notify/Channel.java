package dev.gatehouse.notify;

/** How a message reaches a person. SMS arrives with the SMS method; the outbox already has room for it. */
enum Channel {
    EMAIL,
    SMS
}

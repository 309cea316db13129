package dev.gatehouse.notify;

import java.time.Instant;
import java.util.UUID;

/**
 * A message the dev gateway received. Development only: the bodies hold live links and codes.
 *
 * @param channel     {@code EMAIL} or {@code SMS}
 * @param subject     empty for SMS
 * @param htmlBody    empty for SMS
 */
public record DevMailMessage(UUID id, String channel, String recipient, String subject, String textBody,
                             String htmlBody, Instant deliveredAt) {
}

package dev.gatehouse.notify;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.system.Db;

/**
 * Delivers due outbox rows through the active {@link MailGateway}; runs on every node (scheduled by
 * {@link NotifyConfiguration}). Each row is claimed with one conditional UPDATE before it is sent, so two nodes never
 * send one row at the same time; a node that dies mid-send loses its claim after {@code claim-timeout} and another
 * node sends the row again (delivery is at least once, and exactly once without crashes).
 *
 * <p>Runs without a surrounding transaction: each statement commits by itself, so a claim is visible to other nodes
 * at once and a slow SMTP server never holds a database transaction open. Logs never contain subjects or bodies.
 */
@Component
class OutboxRelay {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final int BATCH = 50;
    private static final int MAX_BATCHES_PER_POLL = 20;

    private final JdbcClient jdbc;
    private final MailGateway gateway;
    private final AuditLog audit;
    private final OutboxProperties properties;
    private final Clock clock;

    OutboxRelay(JdbcClient jdbc, MailGateway gateway, AuditLog audit, OutboxProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.gateway = gateway;
        this.audit = audit;
        this.properties = properties;
        this.clock = clock;
    }

    /** One poll: expires stale rows, then claims and handles due ones. Returns how many rows this call handled. */
    int poll() {
        expireStale();
        int handled = 0;
        for (int batch = 0; batch < MAX_BATCHES_PER_POLL; batch++) {
            List<UUID> due = due();
            for (UUID id : due) {
                if (claim(id)) {
                    load(id).ifPresent(this::handle);
                    handled++;
                }
            }
            if (due.size() < BATCH) {
                break;
            }
        }
        return handled;
    }

    /** Rows waiting out a backoff past their not_after: dropped now so their codes do not linger until the retry. */
    private void expireStale() {
        Instant now = clock.instant();
        int expired = jdbc.sql("""
                update outbox set status = 'EXPIRED', text_body = '', html_body = ''
                where status = 'PENDING' and not_after <= ? and (claimed_until is null or claimed_until < ?)""")
                .params(Db.ts(now), Db.ts(now))
                .update();
        if (expired > 0) {
            log.info("Dropped {} undelivered message(s) that expired before they could be delivered", expired);
        }
    }

    private List<UUID> due() {
        Instant now = clock.instant();
        // Only email for now: the SMS channel brings its own gateway and joins here.
        return jdbc.sql("""
                select id from outbox
                where status = 'PENDING' and channel = 'EMAIL' and next_attempt_at <= ?
                  and (claimed_until is null or claimed_until < ?)
                order by next_attempt_at, seq limit ?""")
                .params(Db.ts(now), Db.ts(now), BATCH)
                .query(UUID.class)
                .list();
    }

    /** The one statement that decides which node sends a row: only one UPDATE can match. */
    private boolean claim(UUID id) {
        Instant now = clock.instant();
        return jdbc.sql("""
                update outbox set claimed_until = ?
                where id = ? and status = 'PENDING' and next_attempt_at <= ?
                  and (claimed_until is null or claimed_until < ?)""")
                .params(Db.ts(now.plus(properties.claimTimeout())), id, Db.ts(now), Db.ts(now))
                .update() == 1;
    }

    private record Row(OutboundMessage message, Instant notAfter, int attempts) {
    }

    private Optional<Row> load(UUID id) {
        return jdbc.sql("""
                select channel, recipient, subject, text_body, html_body, not_after, attempts
                from outbox where id = ?""")
                .param(id)
                .query((rs, n) -> new Row(new OutboundMessage(id, Channel.valueOf(rs.getString("channel")),
                        rs.getString("recipient"), rs.getString("subject"), rs.getString("text_body"),
                        rs.getString("html_body")), Db.instant(rs, "not_after"), rs.getInt("attempts")))
                .optional();
    }

    private void handle(Row row) {
        OutboundMessage message = row.message();
        if (row.notAfter() != null && !clock.instant().isBefore(row.notAfter())) {
            finish(message.id(), "EXPIRED");
            log.info("Dropped message {}: it expired before it could be delivered", message.id());
            return;
        }
        Delivery delivery;
        try {
            delivery = gateway.deliver(message);
        } catch (RuntimeException e) {
            // A gateway should return failures; a throw is a bug there, but the row must still be retried, not lost.
            log.error("Gateway threw {} for message {}", e.getClass().getName(), message.id());
            delivery = new Delivery.Failed(e.getClass().getSimpleName(), false);
        }
        if (delivery instanceof Delivery.Failed failed) {
            failed(row, failed);
        } else {
            finish(message.id(), "SENT");
            log.debug("Delivered message {} ({} to {})", message.id(), message.channel(), message.recipientDomain());
        }
    }

    /** A final state: the bodies are blanked so the links and codes in them do not outlive their use. */
    private void finish(UUID id, String status) {
        jdbc.sql("""
                update outbox set status = ?, sent_at = ?, text_body = '', html_body = '', claimed_until = null
                where id = ? and status = 'PENDING'""")
                .params(status, "SENT".equals(status) ? Db.ts(clock.instant()) : null, id)
                .update();
    }

    private void failed(Row row, Delivery.Failed failed) {
        OutboundMessage message = row.message();
        int attempts = row.attempts() + 1;
        boolean giveUp = failed.permanent() || attempts >= properties.maxAttempts();
        String reason = cut(failed.reason(), 200);
        if (giveUp) {
            jdbc.sql("""
                    update outbox set status = 'FAILED', attempts = ?, last_error = ?, text_body = '', html_body = '',
                                      claimed_until = null
                    where id = ? and status = 'PENDING'""")
                    .params(attempts, reason, message.id())
                    .update();
            audit.record(AuditEventType.MESSAGE_DELIVERY_FAILED, null, null, ClientInfo.SYSTEM,
                    "channel=" + message.channel() + " domain=" + message.recipientDomain() + " error=" + reason
                            + " attempts=" + attempts);
            log.error("Gave up message {} ({} to {}) after {} attempt(s): {}", message.id(), message.channel(),
                    message.recipientDomain(), attempts, reason);
            return;
        }
        Instant next = clock.instant().plus(properties.backoff(attempts));
        jdbc.sql("""
                update outbox set attempts = ?, next_attempt_at = ?, last_error = ?, claimed_until = null
                where id = ? and status = 'PENDING'""")
                .params(attempts, Db.ts(next), reason, message.id())
                .update();
        log.warn("Delivery of message {} ({} to {}) failed: {}; attempt {} of {}, next at {}", message.id(),
                message.channel(), message.recipientDomain(), reason, attempts, properties.maxAttempts(), next);
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}

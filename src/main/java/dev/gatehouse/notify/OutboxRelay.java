package dev.gatehouse.notify;

import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.annotation.PreDestroy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.system.Db;
import dev.gatehouse.system.MetricNames;

/**
 * Delivers due outbox rows through the active {@link MailGateway} (email) or {@link SmsGateway} (text messages); runs
 * on every node. Each channel has a lane of its own ({@link OutboxLane}: {@code senders} threads), so a hanging SMTP
 * server never delays a text message, nor a hanging SMS provider an email.
 *
 * <p>A sender claims the next due row of its channel with one statement: an UPDATE of the row that a
 * {@code SELECT ... FOR UPDATE SKIP LOCKED} picked. Two senders (threads or nodes) never pick the same row: a row
 * another is claiming right now is locked and skipped, and a row claimed a moment ago no longer matches (PostgreSQL
 * checks the condition again on the row's newest version before it locks it; the UPDATE repeats the condition as
 * well). A node that dies mid-send loses its claim after {@code claim-timeout} and another node sends the row again
 * (delivery is at least once, and exactly once without crashes). Each claim carries a token that the attempt's final
 * write must match, so an attempt that outlived its claim cannot undo the next one's; and a row claimed more often
 * than {@code max-attempts} (its tries never came back) is given up.
 *
 * <p>Runs without a surrounding transaction: each statement commits by itself, so a claim is visible to other nodes
 * at once and a slow SMTP server never holds a database transaction open. Logs never contain subjects or bodies.
 *
 * <p>{@link #wake()} (called when a transaction that queued a message commits, and by the scheduled {@link #tick})
 * sets the lanes going, so a code leaves within milliseconds instead of up to a poll interval later.
 *
 * <p>A failed delivery is audited ({@code MESSAGE_DELIVERY_FAILED}) on its first failure and when it is given up,
 * not on every retry in between, so an outage shows promptly without flooding the log.
 */
@Component
class OutboxRelay {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    /** The most rows one {@link #poll} handles per channel, so a flood of new rows cannot keep it going forever. */
    private static final int MAX_PER_POLL = 1000;
    /** Picks after a lost race before a sender gives up for this wake-up (the next one tries again). */
    private static final int CLAIM_RACES = 5;

    private final JdbcClient jdbc;
    private final MailGateway gateway;
    private final SmsGateway smsGateway;
    private final AuditLog audit;
    private final OutboxProperties properties;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Map<Channel, OutboxLane> lanes = new EnumMap<>(Channel.class);
    /** Whether the database is H2 (see {@link #claimFirstFree}); found on the first claim. */
    private volatile Boolean h2;

    @Autowired
    OutboxRelay(JdbcClient jdbc, MailGateway gateway, ObjectProvider<SmsGateway> smsGateway, AuditLog audit,
                OutboxProperties properties, Clock clock, MeterRegistry meters) {
        this(jdbc, gateway, smsGateway.getIfAvailable(), audit, properties, clock, meters);
    }

    /** {@code smsGateway} may be null: text messages then fail at once (gateway {@code none}). */
    OutboxRelay(JdbcClient jdbc, MailGateway gateway, SmsGateway smsGateway, AuditLog audit,
                OutboxProperties properties, Clock clock) {
        this(jdbc, gateway, smsGateway, audit, properties, clock, new SimpleMeterRegistry());
    }

    OutboxRelay(JdbcClient jdbc, MailGateway gateway, SmsGateway smsGateway, AuditLog audit,
                OutboxProperties properties, Clock clock, MeterRegistry meters) {
        this.meters = meters;
        // Every series exists from the start at 0, so a rate over it means something before the first failure.
        for (Channel channel : Channel.values()) {
            failureCounter(channel, "retrying");
            failureCounter(channel, "gave_up");
            lanes.put(channel, new OutboxLane(channel, properties.senders(), this::sendNext));
        }
        this.jdbc = jdbc;
        this.gateway = gateway;
        this.smsGateway = smsGateway;
        this.audit = audit;
        this.properties = properties;
        this.clock = clock;
    }

    /** A node with email only (tests of a second node). */
    OutboxRelay(JdbcClient jdbc, MailGateway gateway, AuditLog audit, OutboxProperties properties, Clock clock) {
        this(jdbc, gateway, (SmsGateway) null, audit, properties, clock);
    }

    /** Sets every channel's senders going (those not running already). Never blocks, never throws. */
    void wake() {
        lanes.values().forEach(OutboxLane::wake);
    }

    /** The scheduled beat: expires stale rows, then wakes the lanes for rows whose retry came due. */
    void tick() {
        expireStale();
        wake();
    }

    @PreDestroy
    void stop() {
        lanes.values().forEach(OutboxLane::stop);
    }

    /** The lane of {@code channel} (tests). */
    OutboxLane lane(Channel channel) {
        return lanes.get(channel);
    }

    /**
     * Expires stale rows, then handles due ones on the calling thread until none is left, the channels taking turns
     * (one email, one text message, ...). Returns how many rows this call handled. The lanes do the same work in the
     * background; this is for tests and tools that want it done before they go on.
     */
    int poll() {
        expireStale();
        int handled = 0;
        java.util.Set<Channel> open = java.util.EnumSet.allOf(Channel.class);
        for (int round = 0; round < MAX_PER_POLL && !open.isEmpty(); round++) {
            for (Channel channel : Channel.values()) {
                if (open.contains(channel)) {
                    if (sendNext(channel, () -> { })) {
                        handled++;
                    } else {
                        open.remove(channel);
                    }
                }
            }
        }
        return handled;
    }

    /**
     * Claims the next due row of {@code channel} and handles it; false when no row was due (or free) to claim.
     * {@code claimed} runs between the claim and the delivery (a lane starts another sender there).
     */
    boolean sendNext(Channel channel, Runnable claimed) {
        Optional<Claim> claim = claimNext(channel);
        claim.ifPresent(c -> {
            claimed.run();
            load(c.id()).ifPresent(row -> handle(row, c.token()));
        });
        return claim.isPresent();
    }

    /**
     * Deletes messages that reached a final state (sent, expired, failed) longer than the retention ago, so the table
     * does not keep every address and number forever. Pending rows stay, however old: they are still owed.
     */
    @Scheduled(initialDelayString = "PT2M", fixedDelayString = "PT1H")
    int deleteOld() {
        int deleted = jdbc.sql("delete from outbox where status <> 'PENDING' and created_at < ?")
                .param(Db.ts(clock.instant().minus(properties.retention()))).update();
        if (deleted > 0) {
            log.debug("Deleted {} delivered, expired or failed message(s) past their retention", deleted);
        }
        return deleted;
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

    /**
     * The one statement that decides which sender gets the next due row of {@code channel}: the row a
     * {@code FOR UPDATE SKIP LOCKED} sub-select picked, updated only if it is still free. The pick and the update
     * can lose a race with another sender that claimed the row in between (the update then changes nothing): then
     * it picks again while any free due row is left, a few times, so a sender does not stop with work waiting.
     */
    Optional<Claim> claimNext(Channel channel) {
        for (int attempt = 0; attempt < CLAIM_RACES; attempt++) {
            Optional<Claim> claim = claimOnce(channel);
            if (claim.isPresent() || !anyFree(channel)) {
                return claim;
            }
        }
        return Optional.empty();
    }

    private boolean anyFree(Channel channel) {
        Instant now = clock.instant();
        return jdbc.sql("""
                select count(*) from (select id from outbox
                                      where status = 'PENDING' and channel = ? and next_attempt_at <= ?
                                        and (claimed_until is null or claimed_until < ?) limit 1) due""")
                .params(channel.name(), Db.ts(now), Db.ts(now)).query(Integer.class).single() > 0;
    }

    private Optional<Claim> claimOnce(Channel channel) {
        if (isH2()) {
            return claimFirstFree(channel);
        }
        Instant now = clock.instant();
        String token = UUID.randomUUID().toString();
        return jdbc.sql("""
                update outbox set claimed_until = :until, claim_token = :token, claims = claims + 1
                where id = (select id from outbox
                            where status = 'PENDING' and channel = :channel and next_attempt_at <= :now
                              and (claimed_until is null or claimed_until < :now)
                            order by next_attempt_at, seq limit 1 for update skip locked)
                  and status = 'PENDING' and next_attempt_at <= :now
                  and (claimed_until is null or claimed_until < :now)
                returning id""")
                .param("until", Db.ts(now.plus(properties.claimTimeout())))
                .param("token", token)
                .param("channel", channel.name())
                .param("now", Db.ts(now))
                .query(UUID.class)
                .optional()
                .map(id -> new Claim(id, token));
    }

    /**
     * H2's way (the trial's single node): its {@code FOR UPDATE} locks every row the sub-select reads before the
     * {@code LIMIT}, so concurrent senders would skip each other's whole backlog. Instead the first few due rows are
     * read without a lock and claimed one by one with {@link #claim}'s conditional UPDATE, which only one sender can
     * win for each row.
     */
    private Optional<Claim> claimFirstFree(Channel channel) {
        Instant now = clock.instant();
        List<UUID> due = jdbc.sql("""
                select id from outbox
                where status = 'PENDING' and channel = ? and next_attempt_at <= ?
                  and (claimed_until is null or claimed_until < ?)
                order by next_attempt_at, seq limit ?""")
                .params(channel.name(), Db.ts(now), Db.ts(now), properties.senders() * 2)
                .query(UUID.class)
                .list();
        for (UUID id : due) {
            Optional<String> token = claim(id);
            if (token.isPresent()) {
                return Optional.of(new Claim(id, token.get()));
            }
        }
        return Optional.empty();
    }

    /** A claimed row and the token every later write of this attempt must present. */
    record Claim(UUID id, String token) {
    }

    private boolean isH2() {
        Boolean known = h2;
        if (known == null) {
            // H2 in PostgreSQL mode answers "PostgreSQL 8.2.23 server protocol using H2 2.x".
            known = jdbc.sql("select version()").query(String.class).single().contains("H2");
            h2 = known;
        }
        return known;
    }

    /**
     * The one statement that decides which node sends a row: only one UPDATE can match. Returns the claim's token,
     * which every later write of this attempt must present.
     */
    Optional<String> claim(UUID id) {
        Instant now = clock.instant();
        String token = UUID.randomUUID().toString();
        int claimed = jdbc.sql("""
                update outbox set claimed_until = ?, claim_token = ?, claims = claims + 1
                where id = ? and status = 'PENDING' and next_attempt_at <= ?
                  and (claimed_until is null or claimed_until < ?)""")
                .params(Db.ts(now.plus(properties.claimTimeout())), token, id, Db.ts(now), Db.ts(now))
                .update();
        return claimed == 1 ? Optional.of(token) : Optional.empty();
    }

    record Row(OutboundMessage message, Instant notAfter, int attempts, int claims) {
    }

    Optional<Row> load(UUID id) {
        return jdbc.sql("""
                select channel, recipient, subject, text_body, html_body, not_after, attempts, claims
                from outbox where id = ?""")
                .param(id)
                .query((rs, n) -> new Row(new OutboundMessage(id, Channel.valueOf(rs.getString("channel")),
                        rs.getString("recipient"), rs.getString("subject"), rs.getString("text_body"),
                        rs.getString("html_body")), Db.instant(rs, "not_after"), rs.getInt("attempts"),
                        rs.getInt("claims")))
                .optional();
    }

    private void handle(Row row, String token) {
        OutboundMessage message = row.message();
        if (row.notAfter() != null && !clock.instant().isBefore(row.notAfter())) {
            finish(message.id(), "EXPIRED", token);
            log.info("Dropped message {}: it expired before it could be delivered", message.id());
            return;
        }
        if (row.claims() > properties.maxAttempts()) {
            // Claimed more often than it may be tried, so earlier tries never came back (their node died while
            // sending): give up rather than claim it again forever.
            failed(row, new Delivery.Failed("DeliveryNeverReturned", true), token);
            return;
        }
        Delivery delivery;
        try {
            if (message.channel() == Channel.EMAIL) {
                delivery = gateway.deliver(message);
            } else if (smsGateway != null) {
                delivery = smsGateway.deliver(message);
            } else {
                delivery = new Delivery.Failed("NoSmsGateway", true);
            }
        } catch (RuntimeException e) {
            // A gateway should return failures; a throw is a bug there, but the row must still be retried, not lost.
            log.error("Gateway threw {} for message {}", e.getClass().getName(), message.id());
            delivery = new Delivery.Failed(e.getClass().getSimpleName(), false);
        }
        if (delivery instanceof Delivery.Failed failed) {
            failed(row, failed, token);
        } else {
            finish(message.id(), "SENT", token);
            log.debug("Delivered message {} ({} to {})", message.id(), message.channel(), message.recipientHint());
        }
    }

    /** A final state: the bodies are blanked so the links and codes in them do not outlive their use. */
    private void finish(UUID id, String status, String token) {
        jdbc.sql("""
                update outbox set status = ?, sent_at = ?, text_body = '', html_body = '', claimed_until = null
                where id = ? and status = 'PENDING' and claim_token = ?""")
                .params(status, "SENT".equals(status) ? Db.ts(clock.instant()) : null, id, token)
                .update();
    }

    /**
     * Records a failed attempt, or gives up. Only while this attempt still holds the claim ({@code token}): a relay
     * whose claim ran out and was taken by another node must not reset the other's claim or schedule.
     */
    void failed(Row row, Delivery.Failed failed, String token) {
        OutboundMessage message = row.message();
        int attempts = row.attempts() + 1;
        boolean giveUp = failed.permanent() || attempts >= properties.maxAttempts();
        String reason = cut(failed.reason(), 200);
        String detail = "channel=" + message.channel() + " " + message.recipientHint() + " error=" + reason
                + " attempts=" + attempts;
        if (giveUp) {
            int updated = jdbc.sql("""
                    update outbox set status = 'FAILED', attempts = ?, last_error = ?, text_body = '', html_body = '',
                                      claimed_until = null
                    where id = ? and status = 'PENDING' and claim_token = ?""")
                    .params(attempts, reason, message.id(), token)
                    .update();
            if (updated == 0) {
                log.debug("Message {}: this attempt lost its claim to another node; leaving the row to it", message.id());
                return;
            }
            failureCounted(message.channel(), "gave_up");
            audit.record(AuditEventType.MESSAGE_DELIVERY_FAILED, null, null, ClientInfo.SYSTEM, detail + " gave up");
            log.error("Gave up message {} ({} to {}) after {} attempt(s): {}", message.id(), message.channel(),
                    message.recipientHint(), attempts, reason);
            return;
        }
        Instant next = clock.instant().plus(properties.backoff(attempts));
        int updated = jdbc.sql("""
                update outbox set attempts = ?, next_attempt_at = ?, last_error = ?, claimed_until = null
                where id = ? and status = 'PENDING' and claim_token = ?""")
                .params(attempts, Db.ts(next), reason, message.id(), token)
                .update();
        if (updated == 0) {
            log.debug("Message {}: this attempt lost its claim to another node; leaving the row to it", message.id());
            return;
        }
        failureCounted(message.channel(), "retrying");
        if (attempts == 1) {
            audit.record(AuditEventType.MESSAGE_DELIVERY_FAILED, null, null, ClientInfo.SYSTEM, detail + " retrying");
        }
        log.warn("Delivery of message {} ({} to {}) failed: {}; attempt {} of {}, next at {}", message.id(),
                message.channel(), message.recipientHint(), reason, attempts, properties.maxAttempts(), next);
    }

    /** Every failed attempt (the audit log records only the first and the last): an outage shows as a rate. */
    private void failureCounted(Channel channel, String outcome) {
        failureCounter(channel, outcome).increment();
    }

    private io.micrometer.core.instrument.Counter failureCounter(Channel channel, String outcome) {
        return meters.counter(MetricNames.DELIVERY_FAILURES, "channel", MetricNames.tag(channel.name()),
                "outcome", outcome);
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}

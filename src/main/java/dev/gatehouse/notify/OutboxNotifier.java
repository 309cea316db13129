package dev.gatehouse.notify;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.gatehouse.system.Db;

/**
 * Renders the message now (so the relay needs no template or variable, and a template bug fails the caller's change
 * instead of a message later) and writes one outbox row in the caller's transaction. Once that transaction commits,
 * the relay of this node is woken, so a message (a code someone is waiting for) leaves at once rather than at the next
 * poll; the poll still finds everything a wake-up missed.
 */
@Component
class OutboxNotifier implements Notifier {

    private final MailRenderer renderer;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final OutboxRelay relay;
    private final ObjectProvider<SmsGateway> smsGateway;

    OutboxNotifier(MailRenderer renderer, JdbcClient jdbc, Clock clock, OutboxRelay relay,
                   ObjectProvider<SmsGateway> smsGateway) {
        this.renderer = renderer;
        this.jdbc = jdbc;
        this.clock = clock;
        this.relay = relay;
        this.smsGateway = smsGateway;
    }

    // MANDATORY: outside a transaction the row would commit even if the change it reports failed afterwards.
    @Override
    @Transactional(propagation = Propagation.MANDATORY)
    public UUID send(EmailMessage message) {
        MailRenderer.RenderedEmail email = renderer.render(message);
        return insert(Channel.EMAIL, message.to(), email.subject(), email.text(), email.html(), message.notAfter());
    }

    @Override
    @Transactional(propagation = Propagation.MANDATORY)
    public UUID send(SmsMessage message) {
        return insert(Channel.SMS, message.to(), "", renderer.render(message), "", message.notAfter());
    }

    @Override
    public boolean smsAvailable() {
        return smsGateway.getIfAvailable() != null;
    }

    @Override
    @Transactional(propagation = Propagation.REQUIRED)
    public void withdraw(UUID messageId) {
        Instant now = clock.instant();
        // A message in flight right now (claimed by a relay) may still go out; but if that attempt fails, its retry
        // must not deliver a replaced code after the new one: it expires now either way.
        jdbc.sql("update outbox set not_after = ? where id = ? and status = 'PENDING'")
                .params(Db.ts(now), messageId).update();
        jdbc.sql("""
                update outbox set status = 'EXPIRED', text_body = '', html_body = ''
                where id = ? and status = 'PENDING' and (claimed_until is null or claimed_until < ?)""")
                .params(messageId, Db.ts(now))
                .update();
    }

    private UUID insert(Channel channel, String to, String subject, String text, String html, Instant notAfter) {
        Instant now = clock.instant();
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                insert into outbox (id, channel, recipient, subject, text_body, html_body, created_at, not_after,
                                    attempts, next_attempt_at, status)
                values (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 'PENDING')""")
                .params(id, channel.name(), to, subject, text, html, Db.ts(now), Db.ts(notAfter), Db.ts(now))
                .update();
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    relay.wake();
                }
            });
        }
        return id;
    }
}

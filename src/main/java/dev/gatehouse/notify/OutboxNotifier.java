package dev.gatehouse.notify;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import dev.gatehouse.system.Db;

/**
 * Renders the message now (so the relay needs no template or variable, and a template bug fails the caller's change
 * instead of a message later) and writes one outbox row in the caller's transaction.
 */
@Component
class OutboxNotifier implements Notifier {

    private final MailRenderer renderer;
    private final JdbcClient jdbc;
    private final Clock clock;

    OutboxNotifier(MailRenderer renderer, JdbcClient jdbc, Clock clock) {
        this.renderer = renderer;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    // MANDATORY: outside a transaction the row would commit even if the change it reports failed afterwards.
    @Override
    @Transactional(propagation = Propagation.MANDATORY)
    public void send(EmailMessage message) {
        MailRenderer.RenderedEmail email = renderer.render(message);
        Instant now = clock.instant();
        jdbc.sql("""
                insert into outbox (id, channel, recipient, subject, text_body, html_body, created_at, not_after,
                                    attempts, next_attempt_at, status)
                values (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 'PENDING')""")
                .params(UUID.randomUUID(), Channel.EMAIL.name(), message.to(), email.subject(), email.text(),
                        email.html(), Db.ts(now), Db.ts(message.notAfter()), Db.ts(now))
                .update();
    }
}

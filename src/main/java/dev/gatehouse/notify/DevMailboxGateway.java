package dev.gatehouse.notify;

import java.time.Clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.gatehouse.system.Db;
import dev.gatehouse.system.GatehouseProperties;

/**
 * The trial gateway: "delivers" into the {@code dev_mailbox} table shown on {@code /dev/mailbox}; nothing leaves the
 * machine. The prod profile refuses to start with it.
 */
@Component
@ConditionalOnProperty(name = "gatehouse.mail.gateway", havingValue = "dev-mailbox", matchIfMissing = true)
class DevMailboxGateway implements MailGateway {

    private static final Logger log = LoggerFactory.getLogger(DevMailboxGateway.class);

    private final JdbcClient jdbc;
    private final Clock clock;
    private final GatehouseProperties gatehouse;

    DevMailboxGateway(JdbcClient jdbc, Clock clock, GatehouseProperties gatehouse) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.gatehouse = gatehouse;
    }

    @Override
    public Delivery deliver(OutboundMessage message) {
        return store(jdbc, clock, gatehouse, message);
    }

    /** Puts a message of any channel into the dev mailbox; shared with {@link DevMailboxSmsGateway}. */
    static Delivery store(JdbcClient jdbc, Clock clock, GatehouseProperties gatehouse, OutboundMessage message) {
        try {
            // The outbox id is the mailbox id: a retry after a crash finds the message already there.
            jdbc.sql("""
                    insert into dev_mailbox (id, channel, recipient, subject, text_body, html_body, delivered_at)
                    values (?, ?, ?, ?, ?, ?, ?)""")
                    .params(message.id(), message.channel().name(), message.recipient(), message.subject(),
                            message.textBody(), message.htmlBody(), Db.ts(clock.instant()))
                    .update();
        } catch (DuplicateKeyException alreadyThere) {
            return new Delivery.Delivered();
        }
        log.info("A message to {} is in the dev mailbox: {}", message.recipientHint(),
                gatehouse.link("/dev/mailbox/" + message.id()));
        return new Delivery.Delivered();
    }
}

package dev.gatehouse.notify;

import java.time.Clock;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.gatehouse.system.GatehouseProperties;

/**
 * The trial SMS gateway: text messages land in the dev mailbox (channel {@code SMS}, no subject) and are shown on
 * {@code /dev/mailbox}; nothing leaves the machine. The prod profile refuses it.
 */
@Component
@ConditionalOnProperty(name = "gatehouse.sms.gateway", havingValue = "dev-mailbox", matchIfMissing = true)
class DevMailboxSmsGateway implements SmsGateway {

    private final JdbcClient jdbc;
    private final Clock clock;
    private final GatehouseProperties gatehouse;

    DevMailboxSmsGateway(JdbcClient jdbc, Clock clock, GatehouseProperties gatehouse) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.gatehouse = gatehouse;
    }

    @Override
    public Delivery deliver(OutboundMessage message) {
        return DevMailboxGateway.store(jdbc, clock, gatehouse, message);
    }
}

package dev.gatehouse.notify;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/**
 * Beats the outbox relay on every node with a fixed delay: expires stale rows and wakes the channels' senders, which
 * send on threads of their own (so the scheduler's thread never waits for a gateway). Registered here rather than with {@code @Scheduled} so the interval comes from the typed
 * {@link OutboxProperties}.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class NotifyConfiguration implements SchedulingConfigurer {

    private final OutboxRelay relay;
    private final OutboxProperties properties;

    NotifyConfiguration(OutboxRelay relay, OutboxProperties properties) {
        this.relay = relay;
        this.properties = properties;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(relay::tick, properties.pollInterval());
    }
}

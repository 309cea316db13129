package dev.gatehouse.notify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.gatehouse.system.Db;
import dev.gatehouse.system.MetricNames;

/**
 * The outbox's backlog as gauges per channel: how many messages wait ({@link MetricNames#OUTBOX_DEPTH}) and how long
 * the oldest has waited ({@link MetricNames#OUTBOX_OLDEST_AGE}, seconds). The outbox is shared, so every node reports
 * the same figures (a dashboard takes their max, not their sum). One grouped query serves all four gauges and is
 * reused for a few seconds, so a scrape (or several scrapers) costs the database one small query at most that often.
 */
@Component
class OutboxGauges {

    private static final long REUSE_NANOS = Duration.ofSeconds(5).toNanos();

    private final JdbcClient jdbc;
    private final Clock clock;
    private Snapshot last;

    private record Backlog(long depth, Instant oldest) {
    }

    /** {@code takenAt} is {@link System#nanoTime()}: how fresh it is, not what time it is (the clock may stand still). */
    private record Snapshot(long takenAt, Map<Channel, Backlog> backlog) {
    }

    OutboxGauges(JdbcClient jdbc, Clock clock, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.clock = clock;
        for (Channel channel : Channel.values()) {
            String tag = MetricNames.tag(channel.name());
            Gauge.builder(MetricNames.OUTBOX_DEPTH, this, g -> g.backlog(channel).depth())
                    .description("Messages waiting in the outbox (all nodes)").tag("channel", tag).register(meters);
            Gauge.builder(MetricNames.OUTBOX_OLDEST_AGE, this, g -> g.oldestAgeSeconds(channel))
                    .description("How long the oldest waiting message has waited").tag("channel", tag)
                    .baseUnit("seconds").register(meters);
        }
    }

    private double oldestAgeSeconds(Channel channel) {
        Instant oldest = backlog(channel).oldest();
        return oldest == null ? 0 : Math.max(0, Duration.between(oldest, clock.instant()).toMillis() / 1000.0);
    }

    private synchronized Backlog backlog(Channel channel) {
        long now = System.nanoTime();
        if (last == null || now - last.takenAt() >= REUSE_NANOS) {
            Map<Channel, Backlog> backlog = new EnumMap<>(Channel.class);
            jdbc.sql("""
                    select channel, count(*) as depth, min(created_at) as oldest
                    from outbox where status = 'PENDING' group by channel""")
                    .query(rs -> {
                        backlog.put(Channel.valueOf(rs.getString(1)), new Backlog(rs.getLong("depth"), Db.instant(rs, "oldest")));
                    });
            last = new Snapshot(now, backlog);
        }
        return last.backlog().getOrDefault(channel, new Backlog(0, null));
    }
}

package dev.gatehouse.web.settings;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.gatehouse.audit.AuditEvent;

/**
 * One row of the Security page's recent activity: the newest of a run of like events (the same event with the same
 * detail, from the same network and browser, each within {@link #RUN} of the one after it), and how many the run
 * holds, and when the run began. Six wrong codes in a row were six of the page's ten rows (noticed by stop 35's
 * walk-through); they are one row, "(6 times since 12:01)", now. "See all activity" still lists every event.
 */
record ActivityRow(AuditEvent event, int times, Instant first) {

    static final Duration RUN = Duration.ofHours(1);

    /** The first {@code rows} rows of {@code newestFirst}, runs of like events made one. */
    static List<ActivityRow> grouped(List<AuditEvent> newestFirst, int rows) {
        List<ActivityRow> grouped = new ArrayList<>();
        AuditEvent earliestOfRun = null;
        for (AuditEvent event : newestFirst) {
            if (earliestOfRun != null && alike(earliestOfRun, event)) {
                ActivityRow run = grouped.remove(grouped.size() - 1);
                grouped.add(new ActivityRow(run.event(), run.times() + 1, event.occurredAt()));
            } else if (grouped.size() == rows) {
                break;
            } else {
                grouped.add(new ActivityRow(event, 1, event.occurredAt()));
            }
            earliestOfRun = event;
        }
        return grouped;
    }

    private static boolean alike(AuditEvent later, AuditEvent earlier) {
        return later.type() == earlier.type() && Objects.equals(later.detail(), earlier.detail())
                && Objects.equals(later.accountId(), earlier.accountId())
                && Objects.equals(later.ip(), earlier.ip()) && Objects.equals(later.userAgent(), earlier.userAgent())
                && !earlier.occurredAt().isBefore(later.occurredAt().minus(RUN));
    }
}

package dev.gatehouse.web.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.gatehouse.audit.AuditEvent;
import dev.gatehouse.audit.AuditEventType;

/** Runs of like events are one row of the Security page's recent activity; everything else stays as it was. */
class ActivityRowTest {

    static final UUID USER = UUID.randomUUID();
    static final Instant NOON = Instant.parse("2026-12-07T12:00:00Z");
    static final String FIREFOX = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0";

    private long ids;

    private AuditEvent event(AuditEventType type, Instant at, String ip, String detail) {
        return new AuditEvent(++ids, at, type, USER, null, ip, FIREFOX, detail);
    }

    @Test
    void groupedWhenSixWrongCodesInARowThenOneRowOfSixAndTheRowsAfterItStillShown() {
        List<AuditEvent> newestFirst = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            newestFirst.add(event(AuditEventType.SECOND_FACTOR_FAILED, NOON.minusSeconds(10L * i), "198.51.100.7",
                    "TOTP"));
        }
        for (int i = 0; i < 12; i++) {
            newestFirst.add(event(i % 2 == 0 ? AuditEventType.SIGN_IN : AuditEventType.SIGN_OUT,
                    NOON.minus(Duration.ofHours(i + 1)), "198.51.100.7", null));
        }

        List<ActivityRow> rows = ActivityRow.grouped(newestFirst, 10);
        assertThat(rows).hasSize(10);
        assertThat(rows.get(0).event().occurredAt()).as("the latest of the run").isEqualTo(NOON);
        assertThat(rows.get(0).times()).isEqualTo(6);
        assertThat(rows.get(0).first()).as("when the run began").isEqualTo(NOON.minusSeconds(50));
        assertThat(rows.subList(1, 10)).allMatch(row -> row.times() == 1);
    }

    @Test
    void groupedWhenLikeEventsDifferInPlaceDetailOrAreHoursApartThenSeparateRows() {
        List<AuditEvent> newestFirst = List.of(
                event(AuditEventType.SECOND_FACTOR_FAILED, NOON, "198.51.100.7", "TOTP"),
                event(AuditEventType.SECOND_FACTOR_FAILED, NOON.minusSeconds(5), "203.0.113.9", "TOTP"),
                event(AuditEventType.SECOND_FACTOR_FAILED, NOON.minusSeconds(10), "203.0.113.9", "SMS"),
                event(AuditEventType.SECOND_FACTOR_FAILED, NOON.minus(Duration.ofHours(2)), "203.0.113.9", "SMS"),
                event(AuditEventType.SECOND_FACTOR_FAILED, NOON.minus(Duration.ofHours(2).plusMinutes(59)),
                        "203.0.113.9", "SMS"));

        assertThat(ActivityRow.grouped(newestFirst, 10)).extracting(ActivityRow::times).containsExactly(1, 1, 1, 2);
        assertThat(ActivityRow.grouped(newestFirst, 2)).hasSize(2);
        assertThat(ActivityRow.grouped(List.of(), 10)).isEmpty();
    }
}

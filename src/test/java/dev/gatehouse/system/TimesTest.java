package dev.gatehouse.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;

class TimesTest {

    private static final Instant NOW = Instant.parse("2026-12-05T13:39:30Z");
    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    private static final ZoneId KOLKATA = ZoneId.of("Asia/Kolkata");
    private final Times times = new Times(Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void fromWhenPauseEndsWithinAMinuteThenRoundsUpNeverDown() {
        Instant end = Instant.parse("2026-12-05T13:43:20Z");
        assertThat(times.from(end, ZoneOffset.UTC)).isEqualTo("13:44 UTC");
        assertThat(times.from(Instant.parse("2026-12-05T13:43:00.000000001Z"), ZoneOffset.UTC)).isEqualTo("13:44 UTC");
        assertThat(times.from(Instant.parse("2026-12-05T13:43:00Z"), ZoneOffset.UTC)).isEqualTo("13:43 UTC");
        assertThat(times.minutesUntil(end)).isEqualTo(4);
        assertThat(times.minutesUntil(NOW)).isEqualTo(1);
    }

    @Test
    void timeWhenDeadlineThenRoundsDown() {
        assertThat(times.time(Instant.parse("2026-12-05T13:43:59Z"), ZoneOffset.UTC)).isEqualTo("13:43 UTC");
        assertThat(times.timeWithSeconds(Instant.parse("2026-12-05T13:43:59Z"), LONDON)).isEqualTo("13:43:59 GMT");
    }

    @Test
    void dateTimeWhenClocksGoForwardThenTheShortNameChangesWithTheOffset() {
        // Europe/London moves from GMT to BST at 01:00 UTC on 29 March 2026: local 01:00-02:00 never happens.
        assertThat(times.dateTime(Instant.parse("2026-03-29T00:59:00Z"), LONDON)).isEqualTo("29 Mar 2026, 00:59 GMT");
        assertThat(times.dateTime(Instant.parse("2026-03-29T01:00:00Z"), LONDON)).isEqualTo("29 Mar 2026, 02:00 BST");
        // And back at 01:00 UTC on 25 October 2026: local 01:30 happens twice, the name tells them apart.
        assertThat(times.dateTime(Instant.parse("2026-10-25T00:30:00Z"), LONDON)).isEqualTo("25 Oct 2026, 01:30 BST");
        assertThat(times.dateTime(Instant.parse("2026-10-25T01:30:00Z"), LONDON)).isEqualTo("25 Oct 2026, 01:30 GMT");
    }

    @Test
    void dateTimeWhenHalfHourOffsetThenMinutesShiftToo() {
        Instant end = Instant.parse("2026-12-05T09:13:20Z");
        assertThat(times.dateTime(end, KOLKATA)).isEqualTo("5 Dec 2026, 14:43 IST");
        assertThat(times.from(end, KOLKATA)).isEqualTo("14:44 IST");
        // Near midnight UTC the date is already the next day there.
        assertThat(times.date(Instant.parse("2026-12-05T18:45:00Z"), KOLKATA)).isEqualTo("6 Dec 2026");
        assertThat(times.longDate(Instant.parse("2026-12-05T18:45:00Z"), KOLKATA)).isEqualTo("6 December 2026");
        assertThat(times.label("Asia/Kolkata")).isEqualTo("Asia/Kolkata (UTC+05:30)");
        assertThat(times.placeLabel("Asia/Kolkata")).isEqualTo("Kolkata (UTC+05:30)");
    }

    /** "N minutes ago" rounds down, and a time after now (another node's clock a little ahead) is 0, "Just now". */
    @Test
    void minutesSinceWhenJustUnderAMinuteOrInTheFutureThenRoundedDownAndNeverBelowZero() {
        assertThat(times.minutesSince(NOW.minusMillis(59_900))).isZero();
        assertThat(times.minutesSince(NOW.minusSeconds(60))).isEqualTo(1);
        assertThat(times.minutesSince(NOW.minusSeconds(119 * 60 + 59))).isEqualTo(119);
        assertThat(times.minutesSince(NOW.plusSeconds(90))).isZero();
    }

    /** Grouped by region, each zone is its place alone, as a person looks for it. */
    @Test
    void placeLabelWhenGroupedByRegionThenThePlaceWithoutItsRegion() {
        assertThat(times.placeLabel("America/New_York")).startsWith("New York (UTC-0");
        assertThat(times.placeLabel("America/Argentina/Buenos_Aires")).isEqualTo("Argentina / Buenos Aires (UTC-03:00)");
        assertThat(times.placeLabel("UTC")).isEqualTo("UTC");
        assertThat(Times.offeredByRegion()).extracting(Times.Region::name).containsExactly("Africa", "America",
                "Antarctica", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific");
        assertThat(Times.offeredByRegion().stream().mapToInt(region -> region.zones().size()).sum())
                .as("every offered zone but UTC, once").isEqualTo(Times.offered().size() - 1);
        assertThat(Times.offeredByRegion().get(6).zones()).contains("Europe/London").allMatch(id -> id.startsWith("Europe/"));
        // New names only, where the tz database names a zone anew; an old name still reads as its zone.
        assertThat(Times.offered()).contains("Asia/Kolkata", "Europe/Kyiv", "Australia/Sydney",
                "America/Argentina/Buenos_Aires").doesNotContain("Asia/Calcutta", "Europe/Kiev", "Australia/ACT",
                "Australia/NSW", "America/Buenos_Aires");
        assertThat(times.label("Asia/Calcutta")).isEqualTo("Asia/Calcutta (UTC+05:30)");
    }

    /** In a sentence ("times are shown in ...") a zone is its place as the list offered it, never its raw id. */
    @Test
    void spokenWhenAZoneIsNamedInASentenceThenItsPlaceOrUtc() {
        assertThat(times.spoken("Asia/Kolkata")).isEqualTo("Kolkata (UTC+05:30)");
        assertThat(times.spoken("America/Argentina/Buenos_Aires")).isEqualTo("Argentina / Buenos Aires (UTC-03:00)");
        assertThat(List.of("UTC", "Etc/UTC", "Z", "GMT", "Etc/GMT")).allSatisfy(utc ->
                assertThat(times.spoken(utc)).as(utc).isEqualTo("UTC"));
        assertThat(times.spoken("Asia/Calcutta")).as("an old name reads as the place the list offers")
                .isEqualTo("Kolkata (UTC+05:30)");
        assertThat(times.spoken("Europe/Kiev")).isEqualTo("Kyiv (UTC+02:00)");
    }

    @Test
    void inEmailWhenZoneKnownThenNamesItAndUtcOtherwise() {
        Instant at = Instant.parse("2026-12-05T14:32:10Z");
        assertThat(times.inEmail(at, LONDON)).isEqualTo("5 Dec 2026, 14:32 GMT (Europe/London)");
        assertThat(times.inEmail(at, ZoneOffset.UTC)).isEqualTo("5 Dec 2026, 14:32 UTC");
        assertThat(times.inEmail(at, ZoneId.of("UTC"))).isEqualTo("5 Dec 2026, 14:32 UTC");
        assertThat(times.inEmail(at, ZoneId.of("Etc/UTC"))).isEqualTo("5 Dec 2026, 14:32 UTC");
    }

    @Test
    void zoneWhenNotAnAvailableIanaIdThenEmpty() {
        assertThat(Times.zone("Europe/London")).contains(LONDON);
        assertThat(Times.zone("UTC")).contains(ZoneId.of("UTC"));
        assertThat(Times.zone(null)).isEmpty();
        assertThat(Times.zone("")).isEmpty();
        assertThat(Times.zone("Mars/Olympus_Mons")).isEmpty();
        assertThat(Times.zone("+02:00")).isEmpty();
        assertThat(Times.zone("europe/london")).isEmpty();
        assertThat(Times.zone("Europe/London\n")).isEmpty();
        assertThat(Times.zone("../../etc/passwd")).isEmpty();
        assertThat(Times.zone("Europe/London".repeat(10_000))).isEmpty();
    }

    @Test
    void offeredWhenListedThenUtcFirstAndNoLegacyAliases() {
        assertThat(Times.offered()).first().isEqualTo("UTC");
        assertThat(Times.offered()).contains("Europe/London", "Asia/Kolkata", "America/Argentina/Buenos_Aires")
                .doesNotContain("US/Pacific", "Etc/GMT+5", "SystemV/AST4").doesNotHaveDuplicates();
        assertThat(Times.offered()).allMatch(id -> Times.zone(id).isPresent());
    }
}

package dev.gatehouse.system;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

/**
 * The one way an instant is written for a person: in their time zone (UTC when they have none), the zone named.
 * Pages call it through {@code web.PageTimes} ({@code ${@times...}}), which knows whose page it is; emails through
 * the mail renderer, which knows whose inbox it is. The relative part ("in about 4 minutes") is the message's, with
 * {@link #minutesUntil} and {@link #from} as its two arguments.
 *
 * <p>Rounding: a moment something becomes possible again (a pause ends, a limit lifts) is rounded <em>up</em> to the
 * minute ({@link #from}), so "at 13:44" never comes before the real end (13:43:20); a deadline (a code or a link
 * expires) is rounded down ({@link #time}, {@link #dateTime}), so acting by the shown minute is always in time.
 */
@Component("zonedTimes") // "times" is the pages' one (web.PageTimes)
public class Times {

    /** IANA ids are at most 32 characters today; a longer value is not worth a look-up. */
    private static final int ID_MAX = 64;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_+\\-/]+");
    /** The ids offered in a list: the IANA "Region/City" zones and UTC, not the legacy aliases (US/Pacific, Etc/GMT+5). */
    private static final Pattern LISTED = Pattern.compile(
            "(Africa|America|Antarctica|Asia|Atlantic|Australia|Europe|Indian|Pacific)/.+");
    private static final Set<String> KNOWN = ZoneId.getAvailableZoneIds();
    /**
     * Old names of zones (Asia/Calcutta, Europe/Kiev, Australia/ACT) whose zone Java knows by its new name too: the
     * list offers the new name only (both were offered, side by side; stop 37's walk-through). An old name still
     * works wherever an id is read, and one saved stays shown and chosen.
     */
    /** Old name to the zone it now names ({@code Asia/Calcutta} to {@code Asia/Kolkata}), where Java knows both. */
    private static final java.util.Map<String, String> NEW_NAMES = newNames();
    private static final Set<String> OLD_NAMES = NEW_NAMES.keySet();
    private static final List<String> OFFERED = KNOWN.stream().filter(id -> LISTED.matcher(id).matches())
            .filter(id -> !OLD_NAMES.contains(id)).sorted()
            .collect(java.util.stream.Collectors.collectingAndThen(java.util.stream.Collectors.toList(), list -> {
                list.add(0, "UTC");
                return List.copyOf(list);
            }));

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH);
    private static final DateTimeFormatter LONG_DATE = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.ENGLISH);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm zzz", Locale.ENGLISH);
    private static final DateTimeFormatter TIME_SECONDS = DateTimeFormatter.ofPattern("HH:mm:ss zzz", Locale.ENGLISH);
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm zzz",
            Locale.ENGLISH);
    private static final DateTimeFormatter OFFSET = DateTimeFormatter.ofPattern("xxx", Locale.ENGLISH);

    private static final ZoneId SHOWN_UTC = ZoneId.of("UTC");

    private final Clock clock;

    public Times(Clock clock) {
        this.clock = clock;
    }

    /**
     * The zone a client named, when it is one of {@link ZoneId#getAvailableZoneIds()}; anything else (blank, too long,
     * an offset such as {@code +02:00}, a made-up name) is empty, never an error: the value comes from a browser.
     */
    public static Optional<ZoneId> zone(String id) {
        if (id == null || id.isEmpty() || id.length() > ID_MAX || !ID.matcher(id).matches() || !KNOWN.contains(id)) {
            return Optional.empty();
        }
        return Optional.of(ZoneId.of(id));
    }

    /** The old names in {@code zone-links.txt} (the tz database's links) whose new name Java knows, to that name. */
    private static java.util.Map<String, String> newNames() {
        try (java.io.InputStream in = Times.class.getResourceAsStream("/zone-links.txt")) {
            if (in == null) {
                return java.util.Map.of();
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("#")).map(line -> line.split(" "))
                    .filter(link -> link.length == 2 && KNOWN.contains(link[1]))
                    .collect(java.util.stream.Collectors.toUnmodifiableMap(link -> link[0], link -> link[1]));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The zones a person may choose from, UTC first, then by id. */
    public static List<String> offered() {
        return OFFERED;
    }

    /** The zones of one region ({@code Europe}), for a list's group. */
    public record Region(String name, List<String> zones) {
    }

    private static final List<Region> REGIONS = OFFERED.stream().filter(id -> id.contains("/"))
            .collect(java.util.stream.Collectors.groupingBy(id -> id.substring(0, id.indexOf('/')),
                    java.util.TreeMap::new, java.util.stream.Collectors.toList()))
            .entrySet().stream().map(region -> new Region(region.getKey(), List.copyOf(region.getValue()))).toList();

    /**
     * {@link #offered} but UTC, by region: a list of 489 "Region/City" ids read as raw names (stop 37's walk-through);
     * grouped, each is its place alone ({@link #placeLabel}), and typing "New" in the list finds New York.
     */
    public static List<Region> offeredByRegion() {
        return REGIONS;
    }

    /** {@code 5 Dec 2026, 14:32 GMT}: a date and time rounded down to the minute, the zone's short name after it. */
    public String dateTime(Instant instant, ZoneId zone) {
        return instant == null ? "" : DATE_TIME.format(instant.atZone(shown(zone)));
    }

    /** {@code 5 Dec 2026, 14:32 GMT (Europe/London)}: for an email, read later and maybe elsewhere, the zone's id too. */
    public String inEmail(Instant instant, ZoneId zone) {
        String shown = dateTime(instant, zone);
        return isUtc(zone) ? shown : shown + " (" + zone.getId() + ")";
    }

    /** {@code 5 Dec 2026}, the date in the zone. */
    public String date(Instant instant, ZoneId zone) {
        return instant == null ? "" : DATE.format(instant.atZone(shown(zone)));
    }

    /** {@code 5 December 2026}, the date in the zone, month in full. */
    public String longDate(Instant instant, ZoneId zone) {
        return instant == null ? "" : LONG_DATE.format(instant.atZone(shown(zone)));
    }

    /** {@code 14:32 GMT}: a deadline's time, rounded down to the minute. */
    public String time(Instant instant, ZoneId zone) {
        return TIME.format(instant.atZone(shown(zone)));
    }

    /** {@code 14:32:10 GMT}: a time to the second (a resend cooldown of a few seconds). */
    public String timeWithSeconds(Instant instant, ZoneId zone) {
        return TIME_SECONDS.format(instant.atZone(shown(zone)));
    }

    /** {@code 13:44 GMT} for 13:43:20: when something is possible again, rounded up to the minute. */
    public String from(Instant instant, ZoneId zone) {
        return TIME.format(roundUp(instant).atZone(shown(zone)));
    }

    /** Whole minutes from {@code instant} until now, rounded down, at least 0: the N of "N minutes ago". */
    public long minutesSince(Instant instant) {
        return Math.max(0, Duration.between(instant, clock.instant()).toMinutes());
    }

    /** Whole minutes from now until {@code instant}, rounded up, at least 1: the N of "in about N minutes". */
    public long minutesUntil(Instant instant) {
        long seconds = Duration.between(clock.instant(), instant).getSeconds();
        return Math.max(1, (seconds + 59) / 60);
    }

    /**
     * {@code New York (UTC-05:00)}, {@code Argentina / Buenos Aires (UTC-03:00)}: a zone as its region's group in a
     * list shows it, the place without its region, with its offset now.
     */
    public String placeLabel(String id) {
        int slash = id.indexOf('/');
        return slash < 0 ? label(id) : id.substring(slash + 1).replace('_', ' ').replace("/", " / ") + " (UTC"
                + OFFSET.format(clock.instant().atZone(shown(ZoneId.of(id)))) + ")";
    }

    /**
     * {@code London (UTC+01:00)}, or {@code UTC} under any of its names: a zone as a sentence names it ("times are
     * shown in London (UTC+01:00)"), the place as the list offered it rather than its id.
     */
    public String spoken(String id) {
        // An old name (a browser may still send Asia/Calcutta) reads as the place the list offers (Kolkata).
        return isUtc(ZoneId.of(id)) ? "UTC" : placeLabel(NEW_NAMES.getOrDefault(id, id));
    }

    /** {@code Europe/London (UTC+01:00)}: a zone as a list shows it, with its offset now. */
    public String label(String id) {
        ZoneId zone = ZoneId.of(id);
        return isUtc(zone) ? "UTC" : id + " (UTC" + OFFSET.format(clock.instant().atZone(shown(zone))) + ")";
    }

    /** The zone's short name now ({@code GMT}, {@code CEST}, {@code UTC}). */
    public String shortName(ZoneId zone) {
        return DateTimeFormatter.ofPattern("zzz", Locale.ENGLISH).format(clock.instant().atZone(shown(zone)));
    }

    /** UTC under any of its names ({@code Z}, {@code UTC}, {@code Etc/UTC}, {@code GMT}...). */
    public static boolean isUtc(ZoneId zone) {
        String id = zone.getId();
        return zone.normalized().equals(ZoneOffset.UTC) && (!id.contains("/") || id.startsWith("Etc/"));
    }

    /** UTC under any name is written "UTC" ({@code ZoneOffset.UTC} alone would read "Z"). */
    private static ZoneId shown(ZoneId zone) {
        return isUtc(zone) ? SHOWN_UTC : zone;
    }

    /**
     * The next whole minute at or after {@code instant}: the end of a pause as people are told it, in pages
     * ({@link #from}) and emails alike, so that the two agree (a first-time walk-through read "after 06:19" on the
     * page and "until 06:18" in the email, for a pause ending at 06:18:39).
     */
    public static Instant nextWholeMinute(Instant instant) {
        return roundUp(instant);
    }

    private static Instant roundUp(Instant instant) {
        Instant minute = instant.truncatedTo(ChronoUnit.MINUTES);
        return minute.equals(instant) ? minute : minute.plus(1, ChronoUnit.MINUTES);
    }
}

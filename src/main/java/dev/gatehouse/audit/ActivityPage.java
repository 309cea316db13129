package dev.gatehouse.audit;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One page of an activity list, newest first, and where the pages next to it start ({@code null} when there is none).
 * A page is found by the event it follows (keyset paging): new events arriving meanwhile push nothing from one page
 * onto the next.
 */
public record ActivityPage(List<AuditEvent> events, Cursor newer, Cursor older) {

    public ActivityPage {
        events = List.copyOf(events);
    }

    /**
     * Where a page starts: the events older (or newer) than one event, by time, then id. Its text form
     * ({@code <microseconds since 1970>.<id>}) is what the page's "Older" and "Newer" links carry; it only bounds a
     * query that is already limited to one user's or account's events, so a changed value shows nothing else.
     */
    public record Cursor(Instant at, long id) {

        private static final Instant LAST = Instant.parse("9999-12-31T23:59:59Z");

        private static final Pattern TEXT = Pattern.compile("(-?\\d{1,19})\\.(\\d{1,19})");

        public Cursor {
            java.util.Objects.requireNonNull(at, "at");
        }

        static Cursor of(AuditEvent event) {
            return new Cursor(event.occurredAt(), event.id());
        }

        /** The cursor written as {@link #text()}; empty for a blank or malformed value (the newest page is shown). */
        public static Optional<Cursor> parse(String text) {
            if (text == null) {
                return Optional.empty();
            }
            Matcher m = TEXT.matcher(text);
            if (!m.matches()) {
                return Optional.empty();
            }
            try {
                long micros = Long.parseLong(m.group(1));
                Instant at = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                        Math.floorMod(micros, 1_000_000L) * 1_000L);
                // Only times a database column holds (a year past 9999 would make the query fail, not page).
                return at.isBefore(Instant.EPOCH) || at.isAfter(LAST) ? Optional.empty()
                        : Optional.of(new Cursor(at, Long.parseLong(m.group(2))));
            } catch (NumberFormatException | java.time.DateTimeException e) {
                return Optional.empty();
            }
        }

        public String text() {
            return (at.getEpochSecond() * 1_000_000L + at.getNano() / 1_000L) + "." + id;
        }
    }
}

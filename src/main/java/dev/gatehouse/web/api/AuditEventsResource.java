package dev.gatehouse.web.api;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.gatehouse.audit.ActivityKind;
import dev.gatehouse.audit.AuditEvent;
import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.oidc.ApiScopes;
import dev.gatehouse.web.ActivityWords;

/**
 * The account's activity (Account > Activity): the same events, newest first, paged by number, filtered by event type
 * and time. Each event says what happened in the page's words and, for the events whose detail is for admins (rule
 * changes, resets, roles), that detail; never an address, a browser string or a member's private detail.
 */
@RestController
@RequestMapping(ApiPaths.ACCOUNT + "/audit-events")
class AuditEventsResource {

    static final int DEFAULT_SIZE = 50;
    static final int MAX_SIZE = 200;
    /** Far enough for any log; keeps {@code page * size} a small number. */
    static final int MAX_PAGE = 100_000;

    private final AuditLog audit;
    private final ActivityWords words;

    AuditEventsResource(AuditLog audit, ActivityWords words) {
        this.audit = audit;
        this.words = words;
    }

    /**
     * @param type        the event type, e.g. {@code ACCOUNT_RULES_CHANGED}
     * @param kind        its group, as the page's filter names it ({@code methods}, {@code account}, ...)
     * @param userId      whose event it is; null for the account's own (e.g. a change made by an application)
     * @param description what happened, in the activity page's words
     * @param detail      what the page adds for admins (the rules changed, who reset a member); empty for the rest
     */
    record EventView(long id, Instant occurredAt, String type, String kind, UUID userId, String description,
                     String detail) {
    }

    /**
     * The page's shape is every list's (docs/api.md, "Paging").
     *
     * @param page  the page shown, from 0
     * @param total how many events match the filters
     */
    record EventsPage(List<EventView> items, int page, int size, long total) {
    }

    /**
     * @param type one or more event types (repeated, or separated by commas); every type when absent
     * @param from the earliest time, inclusive (ISO-8601, e.g. {@code 2026-12-01T00:00:00Z})
     * @param to   the latest time, exclusive
     */
    @GetMapping
    @RequiresScope(ApiScopes.AUDIT_READ)
    EventsPage listAuditEvents(@PathVariable UUID accountId, ApiCaller caller,
                      @RequestParam(required = false) List<String> type,
                      @RequestParam(required = false) String from, @RequestParam(required = false) String to,
                      @RequestParam(required = false) String page, @RequestParam(required = false) String size) {
        List<ApiProblem.FieldError> errors = new ArrayList<>();
        Set<AuditEventType> types = types(type, errors);
        Instant since = instant("from", from, errors);
        Instant until = instant("to", to, errors);
        int number = number("page", page, 0, 0, MAX_PAGE, errors);
        int perPage = number("size", size, DEFAULT_SIZE, 1, MAX_SIZE, errors);
        if (since != null && until != null && !since.isBefore(until)) {
            errors.add(new ApiProblem.FieldError("to", "Must be after from."));
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        AuditLog.EventPage found = audit.accountEvents(caller.accountId(), types, since, until, number, perPage);
        // The page's words, in English whatever the caller's Accept-Language: an API answers the same to everyone.
        Locale before = LocaleContextHolder.getLocale();
        LocaleContextHolder.setLocale(Locale.ENGLISH);
        try {
            List<EventView> items = found.events().stream().map(this::view).toList();
            return new EventsPage(items, number, perPage, found.total());
        } finally {
            LocaleContextHolder.setLocale(before);
        }
    }

    private EventView view(AuditEvent e) {
        return new EventView(e.id(), e.occurredAt(), e.type().name(), ActivityKind.of(e.type()).param(), e.userId(),
                words.what(e), words.detail(e));
    }

    private static Set<AuditEventType> types(List<String> given, List<ApiProblem.FieldError> errors) {
        Set<AuditEventType> types = new LinkedHashSet<>();
        if (given == null) {
            return types;
        }
        for (String part : given.stream().flatMap(t -> java.util.Arrays.stream(t.split(","))).toList()) {
            String name = part.strip();
            if (name.isEmpty()) {
                continue;
            }
            try {
                types.add(AuditEventType.valueOf(name));
            } catch (IllegalArgumentException unknown) {
                errors.add(new ApiProblem.FieldError("type", "Not an event type (see the API document for the list)."));
                return types;
            }
        }
        return types;
    }

    private static Instant instant(String field, String text, List<ApiProblem.FieldError> errors) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            Instant at = java.time.OffsetDateTime.parse(text.strip()).toInstant();
            if (at.isBefore(Instant.EPOCH) || at.isAfter(Instant.parse("9999-12-31T23:59:59Z"))) {
                errors.add(new ApiProblem.FieldError(field, "Must be between 1970 and 9999."));
                return null;
            }
            return at;
        } catch (DateTimeParseException e) {
            errors.add(new ApiProblem.FieldError(field, "Must be an ISO-8601 time with an offset, e.g. "
                    + "2026-12-01T00:00:00Z."));
            return null;
        }
    }

    private static int number(String field, String text, int absent, int min, int max,
                              List<ApiProblem.FieldError> errors) {
        if (text == null || text.isBlank()) {
            return absent;
        }
        try {
            int n = Integer.parseInt(text.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        errors.add(new ApiProblem.FieldError(field, "Must be a whole number from " + min + " to " + max + "."));
        return absent;
    }
}

package dev.gatehouse.web;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Component;

import dev.gatehouse.account.FieldProblems;

/** Resolves message keys for controllers (templates use {@code #{key}} directly). */
@Component
public class Messages {

    private final MessageSource source;
    private final PageTimes times;

    Messages(MessageSource source, PageTimes times) {
        this.source = source;
        this.times = times;
    }

    /**
     * A message whose arguments are the whole minutes left until {@code until} (at least 1) and the time it comes in
     * the reader's zone, rounded up to the minute ({@code 13:44 GMT} for 13:43:20, never a minute too early).
     */
    public String until(String key, Instant until) {
        return get(key, times.minutesUntil(until), times.from(until));
    }

    /**
     * How long ago {@code at} was, as a person says it: "Just now", "5 minutes ago", "3 hours ago", and past a day
     * the date and time. Two sessions of one browser kind on one network told apart only by two timestamps read alike
     * (stop 37's walk-through).
     */
    public String ago(Instant at) {
        long minutes = times.minutesSince(at);
        if (minutes < 1) {
            return get("time.ago.now");
        }
        if (minutes < 60) {
            return get("time.ago.minutes", minutes);
        }
        if (minutes < 24 * 60) {
            return get("time.ago.hours", minutes / 60);
        }
        return times.dateTime(at);
    }

    public String get(String key, Object... args) {
        return source.getMessage(key, args, key, LocaleContextHolder.getLocale());
    }

    /** Field name to the text of its problem, for the {@code field} fragment. */
    public Map<String, String> resolve(FieldProblems problems) {
        Map<String, String> texts = new LinkedHashMap<>();
        problems.byField().forEach((field, key) -> texts.put(field, get(key)));
        return texts;
    }
}

package dev.gatehouse.web;

import java.time.Clock;
import java.time.Duration;
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

    private static final java.time.format.DateTimeFormatter HH_MM =
            java.time.format.DateTimeFormatter.ofPattern("HH:mm").withZone(java.time.ZoneOffset.UTC);

    private final MessageSource source;
    private final Clock clock;

    Messages(MessageSource source, Clock clock) {
        this.source = source;
        this.clock = clock;
    }

    /** A message whose arguments are the whole minutes left until {@code until} (at least 1) and its UTC time. */
    public String until(String key, Instant until) {
        long seconds = Duration.between(clock.instant(), until).getSeconds();
        return get(key, Math.max(1, (seconds + 59) / 60), HH_MM.format(until));
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

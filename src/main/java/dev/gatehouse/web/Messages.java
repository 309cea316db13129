package dev.gatehouse.web;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Component;

import dev.gatehouse.account.FieldProblems;

/** Resolves message keys for controllers (templates use {@code #{key}} directly). */
@Component
class Messages {

    private final MessageSource source;

    Messages(MessageSource source) {
        this.source = source;
    }

    String get(String key, Object... args) {
        return source.getMessage(key, args, key, LocaleContextHolder.getLocale());
    }

    /** Field name to the text of its problem, for the {@code field} fragment. */
    Map<String, String> resolve(FieldProblems problems) {
        Map<String, String> texts = new LinkedHashMap<>();
        problems.byField().forEach((field, key) -> texts.put(field, get(key)));
        return texts;
    }
}

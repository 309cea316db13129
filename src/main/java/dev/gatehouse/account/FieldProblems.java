package dev.gatehouse.account;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Message keys of what is wrong with a form, by field name, in the order found. */
public record FieldProblems(Map<String, String> byField) {

    public FieldProblems {
        byField = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byField));
    }

    static Builder builder() {
        return new Builder();
    }

    public boolean isEmpty() {
        return byField.isEmpty();
    }

    static final class Builder {
        private final Map<String, String> problems = new LinkedHashMap<>();

        Builder check(String field, Optional<String> problem) {
            problem.ifPresent(key -> problems.putIfAbsent(field, key));
            return this;
        }

        FieldProblems build() {
            return new FieldProblems(problems);
        }
    }
}

package dev.gatehouse.oidc;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What an authorization request asks of the sign-in behind it (OpenID Connect Core 3.1.2.1): {@code prompt},
 * {@code max_age} and {@code acr_values}. Values Gatehouse does not know are ignored, as the specification allows for
 * {@code acr_values}; a {@code max_age} that is not a plain number of seconds makes the request malformed
 * ({@link #malformed}), refused rather than read as "not asked".
 *
 * @param maxAge seconds (at most {@link #LONGEST_MAX_AGE}); null when not asked
 */
public record AuthorizeAsks(Set<String> prompt, Long maxAge, List<Acr> acrValues) {

    public AuthorizeAsks {
        prompt = Set.copyOf(prompt);
        acrValues = List.copyOf(acrValues);
    }

    /** From the request's parameters, read by {@code parameter} (null when absent). */
    public static AuthorizeAsks of(Function<String, String> parameter) {
        return new AuthorizeAsks(words(parameter.apply("prompt")).collect(Collectors.toSet()),
                seconds(parameter.apply("max_age")),
                words(parameter.apply("acr_values")).map(Acr::of).flatMap(Optional::stream).toList());
    }

    public boolean none() {
        return prompt.contains("none");
    }

    public boolean login() {
        return prompt.contains("login");
    }

    /** The weakest level the client accepts: {@code acr_values} lists its preferences, any of which will do. */
    public Optional<Acr> weakestAccepted() {
        return acrValues.stream().min(Enum::compareTo);
    }

    private static java.util.stream.Stream<String> words(String value) {
        return value == null ? java.util.stream.Stream.empty()
                : Arrays.stream(value.trim().split("\\s+")).filter(s -> !s.isEmpty());
    }

    /** More than any sign-in lives: a longer {@code max_age} asks nothing more. */
    static final long LONGEST_MAX_AGE = 999_999_999L;

    /**
     * Whether the request's asks cannot be read: a {@code max_age} that is not a plain decimal number ({@code +0},
     * {@code " 0"}, {@code -1}, {@code 1e3}). Such a request is refused: ignored, it would go without the new sign-in
     * its client may have meant.
     */
    public static boolean malformed(Function<String, String> parameter) {
        String maxAge = parameter.apply("max_age");
        return maxAge != null && !maxAge.matches("[0-9]+");
    }

    private static Long seconds(String value) {
        if (value == null || !value.matches("[0-9]+")) {
            return null;
        }
        String digits = value.replaceFirst("^0+(?=.)", "");
        return digits.length() > 9 ? LONGEST_MAX_AGE : Long.valueOf(digits);
    }
}

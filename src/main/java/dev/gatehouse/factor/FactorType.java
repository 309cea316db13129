package dev.gatehouse.factor;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The name of one kind of second factor, as stored ({@code second_factors.type}, {@code users.primary_method}) and
 * as used in URLs and message keys ({@code factor.<name>}). An open set: each {@link SecondFactorMethod} declares its
 * own (e.g. {@code TotpMethod.TYPE}); the core names none. Compare with {@code equals}, never {@code ==}.
 */
public record FactorType(String name) implements java.io.Serializable {

    private static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9_]{0,31}");

    public FactorType {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a method name");
        }
    }

    /** The type of a stored or typed name; throws {@link IllegalArgumentException} for anything else. */
    public static FactorType valueOf(String name) {
        return new FactorType(name);
    }

    /** The type named {@code name} if it is a well-formed name; empty for anything a client sent that is not. */
    public static java.util.Optional<FactorType> parse(String name) {
        return name != null && NAME.matcher(name).matches() ? java.util.Optional.of(new FactorType(name))
                : java.util.Optional.empty();
    }

    @Override
    public String toString() {
        return name;
    }
}

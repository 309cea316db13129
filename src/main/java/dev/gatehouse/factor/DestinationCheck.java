package dev.gatehouse.factor;

import java.util.Objects;

/** What a {@link SentCodeMethod} made of an address or number someone typed. */
public sealed interface DestinationCheck {

    /**
     * Usable.
     *
     * @param value  the canonical form, stored and sent to (an email address as typed and trimmed; an E.164 number)
     * @param shown  how pages show it to its owner, e.g. {@code +44 7700 900123}
     * @param region the ISO 3166 country of a phone number (e.g. {@code GB}); null for email
     */
    record Valid(String value, String shown, String region) implements DestinationCheck {
        public Valid {
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(shown, "shown");
        }
    }

    /** Not usable; {@code problemKey} is the message key that says why. */
    record Invalid(String problemKey) implements DestinationCheck {
        public Invalid {
            Objects.requireNonNull(problemKey, "problemKey");
        }
    }
}

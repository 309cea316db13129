package dev.gatehouse.user;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A person who signs in. Never carries the password hash.
 *
 * @param sessionsGeneration raised each time all the user's sessions are ended ({@link UserService#endSessions}); a
 *                           session made under a lower one is no longer signed in
 */
public record User(UUID id, String email, String displayName, Instant passwordChangedAt, Instant createdAt,
                   long sessionsGeneration) {

    public User {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(displayName, "displayName");
    }

    /**
     * How a notice names this person as the one who did something: the address first, which no one else can have,
     * then the name ({@code ada@example.com (Ada Lovelace)}); the address alone when the name could pass for another
     * address or reorder or break the line (an {@code @}, {@code <} or {@code >}, look-alikes of them included, or a
     * format, control or line-separator character). A display name is anyone's to choose and need not be unique: an admin renamed after the owner was
     * her in every notice (an outside attack in stop 38), and "Olivia &lt;olivia@corp&gt;" would have been her too.
     */
    public String named() {
        String folded = java.text.Normalizer.normalize(displayName, java.text.Normalizer.Form.NFKC);
        boolean plain = !displayName.isBlank() && !displayName.equalsIgnoreCase(email)
                && folded.chars().noneMatch(c -> c == '@' || c == '<' || c == '>')
                && displayName.chars().noneMatch(c -> switch (Character.getType(c)) {
                    case Character.FORMAT, Character.CONTROL, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                         Character.PRIVATE_USE, Character.SURROGATE, Character.UNASSIGNED -> true;
                    default -> false;
                });
        return plain ? email + " (" + displayName + ")" : email;
    }

    /** A user whose sessions were never all ended. */
    public User(UUID id, String email, String displayName, Instant passwordChangedAt, Instant createdAt) {
        this(id, email, displayName, passwordChangedAt, createdAt, 0);
    }
}

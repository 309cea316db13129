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
     * How a notice names this person as the one who did something ({@code Ada Lovelace <ada@example.com>}): a display
     * name is anyone's to choose and need not be unique, so an admin who renamed himself after the owner was told
     * apart from her only by the address (an outside attack in stop 38).
     */
    public String named() {
        return displayName.isBlank() || displayName.equalsIgnoreCase(email) ? email : displayName + " <" + email + ">";
    }

    /** A user whose sessions were never all ended. */
    public User(UUID id, String email, String displayName, Instant passwordChangedAt, Instant createdAt) {
        this(id, email, displayName, passwordChangedAt, createdAt, 0);
    }
}

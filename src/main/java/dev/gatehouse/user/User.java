package dev.gatehouse.user;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** A person who signs in. Never carries the password hash. */
public record User(UUID id, String email, String displayName, Instant passwordChangedAt, Instant createdAt) {

    public User {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(displayName, "displayName");
    }
}

package dev.gatehouse.factor;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A set of backup codes just created, kept in the user's session until they confirm they saved it, so the page, the
 * PDF and the text file show the same codes. The codes are sealed (the session lives in the database, where only
 * hashes of codes may be); {@link BackupCodeService#reveal} opens them for their user only.
 */
public record IssuedBackupCodes(UUID userId, String sealedCodes, Instant createdAt) implements Serializable {

    public IssuedBackupCodes {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(sealedCodes, "sealedCodes");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}

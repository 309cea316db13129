package dev.gatehouse.factor;

/** The outcome of typing a backup code. */
public sealed interface BackupCodeUse {

    /** The code was right and unused; it is used now. {@code remaining} unused codes are left. */
    record Accepted(int remaining) implements BackupCodeUse {
    }

    /**
     * Not accepted; {@code why} is {@link CodeCheck.Wrong} (wrong or already used), {@link CodeCheck.Locked},
     * {@link CodeCheck.Suspended}, or {@link CodeCheck.NoSuchMethod} when the user has no unused code at all (then
     * nothing was counted).
     */
    record Refused(CodeCheck why) implements BackupCodeUse {
    }
}

package dev.gatehouse.audit;

/** The closed list of security events. Tests assert these names; adding one is a reviewed change. */
public enum AuditEventType {
    SIGN_UP_REQUESTED,
    SIGN_UP_COMPLETED,
    SIGN_IN,
    SIGN_IN_FAILED,
    SIGN_OUT,
    SIGN_OUT_EVERYWHERE,
    PASSWORD_CHANGED,
    REAUTHENTICATED,
    INVITATION_SENT,
    INVITATION_ACCEPTED,
    FACTOR_ENABLED,
    FACTOR_DISABLED,
    SECOND_FACTOR_FAILED,
    CODE_ENTRY_LOCKED,
    CODE_METHODS_SUSPENDED,
    MESSAGE_DELIVERY_FAILED,
    BACKUP_CODES_GENERATED,
    BACKUP_CODE_USED,
    PRIMARY_METHOD_CHANGED,
    TRUSTED_DEVICE_ADDED,
    TRUSTED_DEVICE_REMOVED,
    /** A user at the second step was shown that no way of theirs is left (no usable method, no backup code). */
    NO_WAY_LEFT_SHOWN
}

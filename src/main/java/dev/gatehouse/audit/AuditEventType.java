package dev.gatehouse.audit;

/** The closed list of security events. Tests assert these names; adding one is a reviewed change. */
public enum AuditEventType {
    SIGN_UP_REQUESTED,
    SIGN_UP_COMPLETED,
    SIGN_IN,
    SIGN_IN_FAILED,
    /**
     * Wrong passwords in a row for the user's address paused password checks (sign-in, re-confirmation, password
     * change) for a while (DESIGN.md: online guessing).
     */
    PASSWORD_CHECKS_PAUSED,
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
    NO_WAY_LEFT_SHOWN,
    /** A verification code was sent by email or text message (detail: channel and purpose, never the code). */
    CODE_SENT,
    /** The address or number that email or text-message codes go to was changed (after proving the new one). */
    CODE_DESTINATION_CHANGED,
    /** A security key or device (Web Authentication) was given a new name. */
    WEBAUTHN_RENAMED,
    /**
     * A security key's signature counter went backwards: the key may have been copied. It was marked, refused from
     * then on, and the user was emailed (detail: the two counter values).
     */
    WEBAUTHN_POSSIBLY_CLONED,
    /**
     * An owner or admin changed the account's two-step verification rules (user: who; account: which; detail: what
     * changed, e.g. "required: on; grace: 7 days").
     */
    ACCOUNT_RULES_CHANGED,
    /**
     * An owner or admin reset a member's two-step verification (user: the member; account: where; detail: who did
     * it and how many methods went).
     */
    TWO_FACTOR_RESET,
    /** A password reset link was asked for an address that has a user (never for one that has none). */
    PASSWORD_RESET_REQUESTED,
    /** A new password was set through a reset link (after the second factor, for a user who has one). */
    PASSWORD_RESET,
    /**
     * An owner changed the account's details: name, contact email or phone, postal address (user: who; account:
     * which; detail: which fields, never their values).
     */
    ACCOUNT_DETAILS_CHANGED,
    /**
     * Who receives the account's security alerts changed: the roles chosen, an extra address added (waiting for its
     * link), confirmed by its link (user: none) or removed (user: who; account: which; detail: what and which address).
     */
    ALERT_RECIPIENTS_CHANGED
}

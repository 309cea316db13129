package dev.gatehouse.audit;

/** The closed list of security events. Tests assert these names; adding one is a reviewed change. */
public enum AuditEventType {
    SIGN_UP_REQUESTED,
    SIGN_UP_COMPLETED,
    SIGN_IN,
    SIGN_IN_FAILED,
    /**
     * A wrong password at "Confirm it's you" (re-confirmation of a signed-in session before a security change): not a
     * failed sign-in, since the session was already signed in.
     */
    RECONFIRM_PASSWORD_WRONG,
    /**
     * Wrong passwords in a row for the user's address paused password checks (sign-in, re-confirmation, password
     * change) for a while (DESIGN.md: online guessing).
     */
    PASSWORD_CHECKS_PAUSED,
    SIGN_OUT,
    SIGN_OUT_EVERYWHERE,
    /** The user signed out one of their other sessions from the Security tab (detail: its browser and network). */
    SESSION_SIGNED_OUT,
    PASSWORD_CHANGED,
    REAUTHENTICATED,
    INVITATION_SENT,
    INVITATION_ACCEPTED,
    /** A method was turned on (detail: the method's type and, for one the user named, its name: {@link AuditEvent#method}). */
    FACTOR_ENABLED,
    /** A method was turned off (detail as for {@link #FACTOR_ENABLED}). */
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
     * A refresh token that an application had already used (and so replaced) was presented again: a copy of it is in
     * a second pair of hands, the application's or a thief's. The authorization it belonged to was ended, so every
     * token of it stopped working and the application must sign the user in again (RFC 9700, section 4.14.2;
     * account: the one that registered the application, none for one registered by the operator; detail: the
     * application's name). The network and browser are those of the request that presented the token again: the
     * application's server, or whoever else holds the copy.
     */
    APPLICATION_TOKEN_REUSED,
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
    /**
     * The operator reset the user's two-step verification from the server's command line (account: none; detail:
     * how many methods went).
     */
    TWO_FACTOR_RESET_BY_OPERATOR,
    /** A password reset link was asked for an address that has a user (never for one that has none). */
    PASSWORD_RESET_REQUESTED,
    /** A new password was set through a reset link (after the second factor, for a user who has one). */
    PASSWORD_RESET,
    /** The user changed their own name on User details (detail: none; names are not logged). */
    DISPLAY_NAME_CHANGED,
    /** A change of the sign-in email was asked for; a link went to the new address (detail: its domain). */
    EMAIL_CHANGE_REQUESTED,
    /** A pending change of the sign-in email was cancelled by the user. */
    EMAIL_CHANGE_CANCELLED,
    /** The sign-in email was changed through the link sent to the new address (detail: the new domain). */
    EMAIL_CHANGED,
    /** The phone number on file was set, changed or removed (detail: the country, and whether a code proved it). */
    PHONE_CHANGED,
    /**
     * An owner or admin changed a member's role (user: the member; account: where; detail: the old and new role and
     * who did it, e.g. "MEMBER -> ADMIN by Ada (id)").
     */
    MEMBER_ROLE_CHANGED,
    /** An owner or admin removed a member from the account (user: the member; account: where; detail: who did it). */
    MEMBER_REMOVED,
    /**
     * An owner or admin sent an invitation again with a new link, the old one no longer working (user: who did it;
     * account: where; detail: the role).
     */
    INVITATION_RESENT,
    /** An owner or admin took an invitation back; its link no longer works (user: who did it; account: where). */
    INVITATION_REVOKED,
    /**
     * An owner changed the account's details: name, contact email or phone, postal address (user: who; account:
     * which; detail: which fields, never their values).
     */
    ACCOUNT_DETAILS_CHANGED,
    /**
     * Who receives the account's security alerts changed: the roles chosen, an extra address added (waiting for its
     * link), confirmed by its link (user: none) or removed (user: who; account: which; detail: what and which address).
     */
    ALERT_RECIPIENTS_CHANGED,
    /** An owner registered an application (OpenID Connect client) for the account (detail: its client id and type). */
    APPLICATION_REGISTERED,
    /**
     * An owner gave an application a new secret; the old one and every token issued to the application stopped
     * working (detail: its client id).
     */
    APPLICATION_SECRET_REPLACED,
    /** An owner changed an application's redirect or post-sign-out URIs (detail: its client id). */
    APPLICATION_URIS_CHANGED,
    /** An owner removed an application and every authorization it held (detail: its client id). */
    APPLICATION_REMOVED
}

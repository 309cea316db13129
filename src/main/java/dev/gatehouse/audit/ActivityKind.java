package dev.gatehouse.audit;

import static dev.gatehouse.audit.AuditEventType.*;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The few groups the activity lists can be filtered by. Every {@link AuditEventType} belongs to exactly one (a test
 * holds every new type to that), so a filter never silently misses a kind of event.
 */
public enum ActivityKind {
    /** Signing in and out, confirming it's you, wrong codes and passwords at those steps, codes sent for them. */
    SIGN_INS(EnumSet.of(SIGN_IN, SIGN_IN_FAILED, RECONFIRM_PASSWORD_WRONG, SIGN_OUT, SIGN_OUT_EVERYWHERE,
            SESSION_SIGNED_OUT, REAUTHENTICATED, SECOND_FACTOR_FAILED, NO_WAY_LEFT_SHOWN, CODE_SENT)),
    /** Two-step methods and backup codes: added, removed, changed, used, reset by an admin or the operator. */
    METHODS(EnumSet.of(FACTOR_ENABLED, FACTOR_DISABLED, BACKUP_CODES_GENERATED, BACKUP_CODE_USED,
            PRIMARY_METHOD_CHANGED, CODE_DESTINATION_CHANGED, WEBAUTHN_RENAMED, TWO_FACTOR_RESET,
            TWO_FACTOR_RESET_BY_OPERATOR)),
    PASSWORD(EnumSet.of(PASSWORD_CHANGED, PASSWORD_RESET_REQUESTED, PASSWORD_RESET)),
    /**
     * Pauses and blocks after too many wrong passwords or codes, a security key that may have been copied, and an
     * application's sign-in ended because one of its tokens was used twice.
     */
    LOCKOUTS(EnumSet.of(PASSWORD_CHECKS_PAUSED, CODE_ENTRY_LOCKED, CODE_METHODS_SUSPENDED, WEBAUTHN_POSSIBLY_CLONED,
            APPLICATION_TOKEN_REUSED)),
    /** The user's own details: name, sign-in email, phone number. */
    DETAILS(EnumSet.of(DISPLAY_NAME_CHANGED, EMAIL_CHANGE_REQUESTED, EMAIL_CHANGE_CANCELLED, EMAIL_CHANGED,
            PHONE_CHANGED)),
    /** Remembered (trusted) devices. */
    DEVICES(EnumSet.of(TRUSTED_DEVICE_ADDED, TRUSTED_DEVICE_REMOVED)),
    /** Accounts: sign-up, invitations, joining, members' roles, the account's rules. */
    ACCOUNT(EnumSet.of(SIGN_UP_REQUESTED, SIGN_UP_COMPLETED, INVITATION_SENT, INVITATION_ACCEPTED,
            INVITATION_RESENT, INVITATION_REVOKED, MEMBER_ROLE_CHANGED, MEMBER_REMOVED, ACCOUNT_RULES_CHANGED,
            ACCOUNT_DETAILS_CHANGED, ALERT_RECIPIENTS_CHANGED, APPLICATION_REGISTERED,
            APPLICATION_SECRET_REPLACED, APPLICATION_URIS_CHANGED, APPLICATION_REMOVED)),
    /** What the server itself records about delivery; on no one's activity list. */
    SYSTEM(EnumSet.of(MESSAGE_DELIVERY_FAILED));

    private final Set<AuditEventType> types;

    ActivityKind(EnumSet<AuditEventType> types) {
        this.types = java.util.Collections.unmodifiableSet(types);
    }

    public Set<AuditEventType> types() {
        return types;
    }

    /** The kinds a person can filter by (all but {@link #SYSTEM}), in the order a filter lists them. */
    public static java.util.List<ActivityKind> choosable() {
        return Arrays.stream(values()).filter(k -> k != SYSTEM).toList();
    }

    /** The kind named {@code name} (as in a URL: {@code methods}), empty for a blank or unknown name. */
    public static Optional<ActivityKind> parse(String name) {
        return Arrays.stream(values()).filter(k -> k != SYSTEM && k.param().equals(name)).findFirst();
    }

    /** How the kind is named in a URL and in message keys. */
    public String param() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    public static ActivityKind of(AuditEventType type) {
        return Arrays.stream(values()).filter(k -> k.types.contains(type)).findFirst().orElseThrow();
    }
}

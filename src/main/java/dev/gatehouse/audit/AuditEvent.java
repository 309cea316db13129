package dev.gatehouse.audit;

import java.time.Instant;
import java.util.UUID;

/** One recorded security event. {@code userId}, {@code accountId} and {@code detail} may be null. */
public record AuditEvent(long id, Instant occurredAt, AuditEventType type, UUID userId, UUID accountId, String ip,
                         String userAgent, String detail) {

    /**
     * The message key of how the activity list names this event: {@code audit.<TYPE>}, and for a sign-in that passed
     * without a code (a trusted device) or with a backup code, {@code audit.SIGN_IN.TRUSTED_DEVICE} or
     * {@code audit.SIGN_IN.BACKUP_CODE}, so the user sees how each sign-in passed. A password reset link and the
     * second factor ({@code email link + <method>}) are {@code audit.SIGN_IN.RESET_LINK}: that sign-in only leads to
     * choosing the new password, and a plain "Signed in" just before "Password reset" read as someone else's sign-in
     * (stop 36's walk-through).
     */
    public String labelKey() {
        if (type == AuditEventType.SIGN_IN && detail != null) {
            if (detail.startsWith("email link")) {
                return "audit.SIGN_IN.RESET_LINK";
            }
            if (detail.endsWith("trusted device")) {
                return "audit.SIGN_IN.TRUSTED_DEVICE";
            }
            if (detail.endsWith("backup code")) {
                return "audit.SIGN_IN.BACKUP_CODE";
            }
        }
        return "audit." + type.name();
    }

    /**
     * The detail of a method's {@link AuditEventType#FACTOR_ENABLED} or {@link AuditEventType#FACTOR_DISABLED}: its
     * type name, then, for a method the user named (a security key), a space and that name. Never a secret, an
     * address or a number: only a name the user chose for the activity list to show.
     */
    public static String methodDetail(String type, String userGivenName) {
        return userGivenName == null || userGivenName.isBlank() ? type : type + " " + userGivenName.strip();
    }

    /**
     * The type name of the method an added or removed event, or a change of the primary method, is about; empty for
     * other events and old rows without.
     */
    public java.util.Optional<String> method() {
        if ((type != AuditEventType.FACTOR_ENABLED && type != AuditEventType.FACTOR_DISABLED
                && type != AuditEventType.PRIMARY_METHOD_CHANGED) || detail == null || detail.isBlank()) {
            return java.util.Optional.empty();
        }
        int space = detail.indexOf(' ');
        return java.util.Optional.of(space < 0 ? detail : detail.substring(0, space));
    }

    /** The name the user gave the method an added or removed event is about (a security key's), if any. */
    public java.util.Optional<String> methodName() {
        return method().filter(m -> detail.length() > m.length() + 1).map(m -> detail.substring(m.length() + 1));
    }

    public String browser() {
        return new dev.gatehouse.system.ClientInfo(ip, userAgent).browser();
    }
}

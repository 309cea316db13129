package dev.gatehouse.audit;

import java.time.Instant;
import java.util.UUID;

/** One recorded security event. {@code userId}, {@code accountId} and {@code detail} may be null. */
public record AuditEvent(long id, Instant occurredAt, AuditEventType type, UUID userId, UUID accountId, String ip,
                         String userAgent, String detail) {

    /**
     * The message key of how the activity list names this event: {@code audit.<TYPE>}, and for a sign-in that passed
     * without a code (a trusted device) or with a backup code, {@code audit.SIGN_IN.TRUSTED_DEVICE} or
     * {@code audit.SIGN_IN.BACKUP_CODE}, so the user sees how each sign-in passed.
     */
    public String labelKey() {
        if (type == AuditEventType.SIGN_IN && detail != null) {
            if (detail.endsWith("trusted device")) {
                return "audit.SIGN_IN.TRUSTED_DEVICE";
            }
            if (detail.endsWith("backup code")) {
                return "audit.SIGN_IN.BACKUP_CODE";
            }
        }
        return "audit." + type.name();
    }

    public String browser() {
        return new dev.gatehouse.system.ClientInfo(ip, userAgent).browser();
    }
}

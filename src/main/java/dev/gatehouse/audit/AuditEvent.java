package dev.gatehouse.audit;

import java.time.Instant;
import java.util.UUID;

/** One recorded security event. {@code userId}, {@code accountId} and {@code detail} may be null. */
public record AuditEvent(long id, Instant occurredAt, AuditEventType type, UUID userId, UUID accountId, String ip,
                         String userAgent, String detail) {

    public String browser() {
        return new dev.gatehouse.system.ClientInfo(ip, userAgent).browser();
    }
}

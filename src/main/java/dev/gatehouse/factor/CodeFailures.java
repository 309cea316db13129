package dev.gatehouse.factor;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.notify.EmailMessage;
import dev.gatehouse.notify.Notifier;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.user.UserService;

/**
 * What follows a wrong code of any kind (an app code, a backup code): the failure is audited and, when it used up the
 * allowed attempts, the lock is placed, audited and emailed, so every code method locks and tells the user the same
 * way (DESIGN.md invariant 2). The attempt itself was already counted by {@link CodeAttempts#reserve}.
 */
@Component
class CodeFailures {

    private final CodeAttempts attempts;
    private final UserService users;
    private final AuditLog audit;
    private final Notifier notifier;
    private final TransactionTemplate tx;

    CodeFailures(CodeAttempts attempts, UserService users, AuditLog audit, Notifier notifier, TransactionTemplate tx) {
        this.attempts = attempts;
        this.users = users;
        this.audit = audit;
        this.notifier = notifier;
        this.tx = tx;
    }

    /**
     * Records a wrong code of {@code method} (a {@link FactorType} name, or {@code BACKUP_CODE}), checked at
     * {@code now}, and returns what the user is told: {@link CodeCheck.Wrong}, {@link CodeCheck.Locked} or
     * {@link CodeCheck.Suspended}.
     */
    CodeCheck wrongCode(UUID userId, String method, Instant now, ClientInfo client) {
        Optional<Instant> lockedUntil = attempts.failed(userId, now);
        boolean suspended = attempts.suspended(userId);
        boolean suspendedNow = suspended && attempts.noteSuspension(userId);
        tx.executeWithoutResult(status -> {
            audit.record(AuditEventType.SECOND_FACTOR_FAILED, userId, null, client, method);
            if (lockedUntil.isPresent()) {
                audit.record(AuditEventType.CODE_ENTRY_LOCKED, userId, null, client, null);
                users.findById(userId).ifPresent(user -> notifier.send(EmailMessage.of(user.email(),
                        "code-entry-locked", Map.of("displayName", user.displayName(), "until", lockedUntil.get(),
                                "minutes", Duration.between(now, lockedUntil.get()).toMinutes()))));
            }
            if (suspendedNow) {
                audit.record(AuditEventType.CODE_METHODS_SUSPENDED, userId, null, client, null);
            }
        });
        if (suspended) {
            return new CodeCheck.Suspended();
        }
        return lockedUntil.<CodeCheck>map(CodeCheck.Locked::new)
                .orElseGet(() -> new CodeCheck.Wrong(attempts.remaining(userId)));
    }
}

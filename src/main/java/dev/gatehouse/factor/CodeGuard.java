package dev.gatehouse.factor;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.account.AccountAlerts;
import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.notify.EmailMessage;
import dev.gatehouse.notify.Notifier;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.system.MetricNames;
import dev.gatehouse.user.UserService;

/**
 * The one lockout-guarded code check, used by every code method (app codes, email and SMS codes, backup codes): an
 * attempt is counted before the code is looked at, so parallel guesses evaluate at most the allowed number
 * (DESIGN.md invariant 2); a wrong code is audited and, when it used up the attempts, the lock is placed, audited and
 * emailed (to the user, and as an alert to the recipients of their accounts), so every method locks and tells the
 * user the same way.
 */
@Component
class CodeGuard {

    private final CodeAttempts attempts;
    private final UserService users;
    private final AuditLog audit;
    private final Notifier notifier;
    private final AccountAlerts accountAlerts;
    private final TransactionTemplate tx;
    private final MeterRegistry meters;

    CodeGuard(CodeAttempts attempts, UserService users, AuditLog audit, Notifier notifier,
              AccountAlerts accountAlerts, TransactionTemplate tx, MeterRegistry meters) {
        this.meters = meters;
        // At 0 from the start, so the series exist before the first lock.
        meters.counter(MetricNames.LOCKOUTS, "kind", "code_entry");
        meters.counter(MetricNames.LOCKOUTS, "kind", "code_methods_suspended");
        this.attempts = attempts;
        this.users = users;
        this.audit = audit;
        this.notifier = notifier;
        this.accountAlerts = accountAlerts;
        this.tx = tx;
    }

    /** What a guarded check found. */
    sealed interface Outcome<T> {
        /** The code was right; {@code value} is what the check found with it. */
        record Accepted<T>(T value) implements Outcome<T> { }
        /** Wrong, or not checked at all (locked, suspended): what the user is told. */
        record Refused<T>(CodeCheck why) implements Outcome<T> { }
    }

    /**
     * Counts an attempt of the user, then runs {@code check} (which looks at the code and uses it up if right; a
     * value for a right code, empty for a wrong one). Locked or suspended, {@code check} does not run. {@code method}
     * names the method in the audit log (a {@link FactorType} name, or {@code BACKUP_CODE}).
     */
    <T> Outcome<T> check(UUID userId, String method, Instant now, ClientInfo client, Supplier<Optional<T>> check) {
        CodeAttempts.Reservation reservation = attempts.reserve(userId, now);
        if (reservation instanceof CodeAttempts.Reservation.Locked locked) {
            counted(method, "locked");
            return new Outcome.Refused<>(new CodeCheck.Locked(locked.until()));
        }
        if (reservation instanceof CodeAttempts.Reservation.Suspended) {
            counted(method, "suspended");
            return new Outcome.Refused<>(new CodeCheck.Suspended());
        }
        Optional<T> accepted;
        try {
            accepted = check.get();
        } catch (RuntimeException e) {
            // The reserved attempt stays counted. Finish it as a failure, so that when it was the last one the lock is
            // placed and expires; otherwise the count would stay used up with no lock, refusing codes for ever.
            try {
                wrongCode(userId, method, now, client);
            } catch (RuntimeException alsoFailed) {
                e.addSuppressed(alsoFailed);
            }
            counted(method, "error");
            throw e;
        }
        if (accepted.isPresent()) {
            attempts.succeeded(userId);
            counted(method, "accepted");
            return new Outcome.Accepted<>(accepted.get());
        }
        CodeCheck refused = wrongCode(userId, method, now, client);
        counted(method, "wrong");
        return new Outcome.Refused<>(refused);
    }

    private void counted(String method, String outcome) {
        meters.counter(MetricNames.CODE_CHECKS, "outcome", outcome, "method", MetricNames.tag(method)).increment();
    }

    /**
     * Records a wrong code of {@code method} (a {@link FactorType} name, or {@code BACKUP_CODE}), checked at
     * {@code now}, and returns what the user is told: {@link CodeCheck.Wrong}, {@link CodeCheck.Locked} or
     * {@link CodeCheck.Suspended}.
     */
    private CodeCheck wrongCode(UUID userId, String method, Instant now, ClientInfo client) {
        Optional<Instant> lockedUntil = attempts.failed(userId, now);
        boolean suspended = attempts.suspended(userId);
        boolean suspendedNow = suspended && attempts.noteSuspension(userId);
        lockedUntil.ifPresent(until -> meters.counter(MetricNames.LOCKOUTS, "kind", "code_entry").increment());
        if (suspendedNow) {
            meters.counter(MetricNames.LOCKOUTS, "kind", "code_methods_suspended").increment();
        }
        tx.executeWithoutResult(status -> {
            audit.record(AuditEventType.SECOND_FACTOR_FAILED, userId, null, client, method);
            if (lockedUntil.isPresent()) {
                audit.record(AuditEventType.CODE_ENTRY_LOCKED, userId, null, client, null);
                // As the page says it: the minute from which a code is taken again.
                Instant until = dev.gatehouse.system.Times.nextWholeMinute(lockedUntil.get());
                users.findById(userId).ifPresent(user -> {
                    notifier.send(EmailMessage.of(user.email(), "code-entry-locked", Map.of("displayName",
                            user.displayName(), "until", until,
                            "minutes", Duration.between(now, lockedUntil.get()).toMinutes())));
                    // Someone may know the member's password: the accounts they belong to hear of it too.
                    accountAlerts.memberLockedOut(user, until, now, client);
                });
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

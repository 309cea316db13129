package dev.gatehouse.factor;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.account.AccountAlerts;
import dev.gatehouse.audit.AuditEvent;
import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.crypto.SecretSealer;
import dev.gatehouse.notify.Notifier;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.system.Db;
import dev.gatehouse.user.SecurityNotice;
import dev.gatehouse.user.User;
import dev.gatehouse.user.UserService;

/**
 * The core of second factors: stores what methods compute, and applies the rules every method shares — lockout,
 * single use of a TOTP step, "required by the account", audit and emails — each change in one transaction.
 */
@Service
public class FactorService {

    private static final String COLUMNS =
            "id, user_id, type, label, secret_sealed, public_data, last_used_step, created_at, last_used_at";

    private final Map<FactorType, SecretMethod> methods = new HashMap<>();
    private final ObjectProvider<SecondFactors> registry;
    private final JdbcClient jdbc;
    private final CodeAttempts attempts;
    private final MethodRules methodRules;
    private final CodeGuard guard;
    private final BackupCodeService backupCodes;
    private final ApplicationEventPublisher events;
    private final AuditLog audit;
    private final Notifier notifier;
    private final AccountAlerts accountAlerts;
    private final SecretSealer sealer;
    private final TransactionTemplate tx;
    private final UserService users;
    private final Clock clock;

    FactorService(List<SecretMethod> methods, ObjectProvider<SecondFactors> registry, JdbcClient jdbc,
                  CodeAttempts attempts, MethodRules methodRules, CodeGuard guard,
                  BackupCodeService backupCodes, ApplicationEventPublisher events, AuditLog audit, Notifier notifier,
                  AccountAlerts accountAlerts, SecretSealer sealer, TransactionTemplate tx, UserService users, Clock clock) {
        methods.forEach(m -> {
            if (this.methods.put(m.type(), m) != null) {
                throw new IllegalStateException("two methods of type " + m.type());
            }
        });
        this.registry = registry;
        this.jdbc = jdbc;
        this.attempts = attempts;
        this.methodRules = methodRules;
        this.guard = guard;
        this.backupCodes = backupCodes;
        this.events = events;
        this.audit = audit;
        this.notifier = notifier;
        this.accountAlerts = accountAlerts;
        this.sealer = sealer;
        this.tx = tx;
        this.users = users;
        this.clock = clock;
    }

    /** The user's active factors, oldest first. */
    public List<EnrolledFactor> factors(UUID userId) {
        return jdbc.sql("select " + COLUMNS + " from second_factors where user_id = ? order by created_at, id")
                .param(userId).query(FactorService::factor).list();
    }

    public boolean hasFactor(UUID userId) {
        return jdbc.sql("select count(*) from second_factors where user_id = ?").param(userId)
                .query(Long.class).single() > 0;
    }

    public Optional<EnrolledFactor> factor(UUID userId, FactorType type) {
        return factors(userId).stream().filter(f -> f.type().equals(type)).findFirst();
    }

    /** Whether the rules of the user's accounts let them add a method of this type ({@link MethodRules}). */
    public boolean mayAdd(UUID userId, FactorType type) {
        return methodRules.mayAdd(userId, type);
    }

    /** Whether an account of this user requires two-factor authentication. */
    public boolean required(UUID userId) {
        return methodRules.required(userId);
    }

    /** Begins a setup; empty when the user already has this method (one of each code method). */
    public Optional<PendingEnrollment> startEnrollment(User user, FactorType type) {
        if (factor(user.id(), type).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(method(type).startEnrollment(user, clock.instant()));
    }

    public sealed interface Enrollment {
        /**
         * The method is on. {@code firstBackupCodes} is the user's first set of backup codes when this was their first
         * method (to be shown to them once), null otherwise.
         */
        record Enabled(EnrolledFactor factor, IssuedBackupCodes firstBackupCodes) implements Enrollment { }
        record Rejected(String problemKey) implements Enrollment { }
        /** The setup is older than {@link PendingEnrollment#VALIDITY}, or not this user's: start again. */
        record Expired() implements Enrollment { }
    }

    /**
     * Finishes a setup: on a right response the factor is stored, audited and announced by email, together; the first
     * method also brings the user's first set of backup codes, in the same transaction.
     */
    public Enrollment finishEnrollment(User user, PendingEnrollment pending, String response, ClientInfo client) {
        Instant now = clock.instant();
        if (pending == null || !pending.userId().equals(user.id()) || pending.expired(now)) {
            return new Enrollment.Expired();
        }
        SecretMethod method = method(pending.type());
        // A sent-code method turns on only for a destination the core proved with a code (CodeChallenges seals it).
        if (method instanceof SentCodeMethod && !VerifiedDestination.proves(sealer, pending)) {
            return new Enrollment.Rejected("codes.setup.notProved");
        }
        EnrollmentOutcome outcome = method.finishEnrollment(user, pending, response, now);
        if (outcome instanceof EnrollmentOutcome.Rejected rejected) {
            return new Enrollment.Rejected(rejected.problemKey());
        }
        EnrollmentOutcome.Enrolled enrolled = (EnrollmentOutcome.Enrolled) outcome;
        return tx.execute(status -> {
            users.lockForChange(user.id());
            if (factor(user.id(), pending.type()).isPresent()) {
                return new Enrollment.Expired();
            }
            if (!methodRules.mayAdd(user.id(), pending.type())) {
                return new Enrollment.Rejected(MethodRules.NOT_ALLOWED);
            }
            UUID id = UUID.randomUUID();
            jdbc.sql("""
                    insert into second_factors (id, user_id, type, label, secret_sealed, public_data, last_used_step,
                                                created_at)
                    values (?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(id, user.id(), pending.type().name(), enrolled.label(), enrolled.sealedSecret(),
                            enrolled.publicData(), enrolled.lastUsedStep(), Db.ts(now))
                    .update();
            attempts.ensure(user.id());
            audit.record(AuditEventType.FACTOR_ENABLED, user.id(), null, client, pending.type().name());
            events.publishEvent(new FactorChanged(user.id(), pending.type(), client));
            notifier.send(SecurityNotice.of(user, "factor-enabled", now, client,
                    Map.of("method", method.displayName())));
            IssuedBackupCodes firstBackupCodes = backupCodes.issueFirstSet(user, client).orElse(null);
            return new Enrollment.Enabled(factor(user.id(), pending.type()).orElseThrow(), firstBackupCodes);
        });
    }

    /**
     * An admin's reset of a member's two-step verification: every method and backup code of the member goes, their
     * code lockout is lifted, and (through {@link FactorRemoved}) their trusted devices are forgotten and their
     * sessions end; the member is emailed, and so are the account's alert recipients. Recorded on the member's
     * activity and the account's, naming who did it. Whether {@code by} may do it is the caller's to check
     * ({@link dev.gatehouse.account.AccountService#resetRefusal}). A member with no method has nothing to remove but
     * the lockout. Returns how many methods were removed.
     */
    public int resetByAdmin(User member, User by, UUID accountId, String accountName, ClientInfo client) {
        return reset(member, client, (now, removed) -> {
            audit.record(AuditEventType.TWO_FACTOR_RESET, member.id(), accountId, client,
                    "by " + by.displayName() + " (" + by.id() + "): " + removed + " methods");
            notifier.send(SecurityNotice.of(member, "two-factor-reset", now, client,
                    Map.of("resetBy", by.named(), "accountName", accountName)));
            accountAlerts.memberReset(accountId, member, by, now, client);
        });
    }

    /**
     * The operator's reset, from the server's command line ({@code reset-two-factor}): the way back for someone no
     * admin can reset, such as the sole owner of an account who lost every method and backup code. The same removals
     * as {@link #resetByAdmin}; recorded on the user's activity as the operator's, the user emailed, and the alert
     * recipients of every account they belong to told (only when it removed something). Returns how many methods were
     * removed.
     */
    public int resetByOperator(User member, ClientInfo client) {
        return reset(member, client, (now, removed) -> {
            audit.record(AuditEventType.TWO_FACTOR_RESET_BY_OPERATOR, member.id(), null, client,
                    removed + " methods");
            // A user with no method had nothing removed (a lockout lifted at most): no email says otherwise, and a
            // command run twice tells nobody twice.
            if (removed > 0) {
                notifier.send(SecurityNotice.of(member, "two-factor-reset-by-operator", now, client, Map.of()));
                accountAlerts.memberResetByOperator(member, now, client);
            }
        });
    }

    /** Removes every method and backup code of {@code member}; {@code told} records and tells, given when and how many. */
    private int reset(User member, ClientInfo client, java.util.function.ObjIntConsumer<Instant> told) {
        Instant now = clock.instant();
        Integer removed = tx.execute(status -> {
            users.lockForChange(member.id());
            List<EnrolledFactor> own = factors(member.id());
            jdbc.sql("delete from second_factors where user_id = ?").param(member.id()).update();
            backupCodes.deleteAll(member.id());
            attempts.succeeded(member.id());
            told.accept(now, own.size());
            // Each removed kind, like a removal by the member: their trusted devices go and their sessions end.
            own.stream().map(EnrolledFactor::type).distinct()
                    .forEach(type -> events.publishEvent(new FactorRemoved(member.id(), type, true, client)));
            return own.size();
        });
        return removed == null ? 0 : removed;
    }

    public sealed interface Removal {
        record Removed(FactorType type) implements Removal { }
        /** An account requires 2FA and this is the user's last method. */
        record RequiredByAccount() implements Removal { }
        record NotFound() implements Removal { }
    }

    /**
     * Removes one of the user's factors; the id is only looked up among this user's own. The last method takes the
     * backup codes with it, and {@link FactorRemoved} is published inside the transaction (trusted devices are
     * forgotten with it).
     */
    public Removal remove(User user, UUID factorId, ClientInfo client) {
        Instant now = clock.instant();
        return tx.execute(status -> {
            users.lockForChange(user.id());
            List<EnrolledFactor> own = factors(user.id());
            Optional<EnrolledFactor> target = own.stream().filter(f -> f.id().equals(factorId)).findFirst();
            if (target.isEmpty()) {
                return new Removal.NotFound();
            }
            if (own.size() == 1 && required(user.id())) {
                return new Removal.RequiredByAccount();
            }
            jdbc.sql("delete from second_factors where id = ? and user_id = ?").params(factorId, user.id()).update();
            boolean last = own.size() == 1;
            if (last) {
                backupCodes.deleteAll(user.id());
            }
            // A factor the user named (a security key, one of possibly several) is told by its name (plain text,
            // escaped by the mail templates and pages like every other value); a method's own label is not a name
            // the user gave (it may hold where codes go), so it is neither mailed as a name nor recorded.
            String label = methods.containsKey(target.get().type()) ? null : target.get().label();
            audit.record(AuditEventType.FACTOR_DISABLED, user.id(), null, client,
                    AuditEvent.methodDetail(target.get().type().name(), label));
            events.publishEvent(new FactorRemoved(user.id(), target.get().type(), last, client));
            String name = registry.getObject().displayName(target.get().type());
            String method = label != null ? name + " “" + label + "”" : name;
            notifier.send(SecurityNotice.of(user, "factor-disabled", now, client, Map.of("method", method)));
            return new Removal.Removed(target.get().type());
        });
    }

    /**
     * {@link CodeCheck.Locked} or {@link CodeCheck.Suspended} when code entry is refused for the user right now, so a
     * page can say so before a code is typed; empty otherwise. Counts nothing.
     */
    public Optional<CodeCheck> codeEntryBlocked(UUID userId) {
        return attempts.blocked(userId, clock.instant());
    }

    /**
     * Checks a typed code for the user's method of that type. The attempt is counted before the code is looked at;
     * a right TOTP code is accepted only if its time step is newer than the last accepted one (compare-and-set in the
     * database, so the same code sent twice at once to two nodes passes once).
     */
    public CodeCheck checkCode(UUID userId, FactorType type, String code, ClientInfo client) {
        Optional<EnrolledFactor> found = factor(userId, type);
        if (found.isEmpty() || !methods.containsKey(type)) {
            return new CodeCheck.NoSuchMethod();
        }
        EnrolledFactor factor = found.get();
        Instant now = clock.instant();
        // A right code whose step another request already used (replay) is a wrong code, and counted as one.
        CodeGuard.Outcome<EnrolledFactor> outcome = guard.check(userId, type.name(), now, client, () ->
                method(type).verify(factor, code, now) instanceof VerificationOutcome.Accepted ok
                        && markUsed(factor, ok.usedStep(), now) ? Optional.of(factor) : Optional.empty());
        return outcome instanceof CodeGuard.Outcome.Accepted<EnrolledFactor> accepted
                ? new CodeCheck.Accepted(accepted.value())
                : ((CodeGuard.Outcome.Refused<EnrolledFactor>) outcome).why();
    }

    private boolean markUsed(EnrolledFactor factor, Long step, Instant now) {
        if (step == null) {
            return jdbc.sql("update second_factors set last_used_at = ? where id = ?")
                    .params(Db.ts(now), factor.id()).update() == 1;
        }
        return jdbc.sql("""
                update second_factors set last_used_step = ?, last_used_at = ?
                where id = ? and user_id = ? and (last_used_step is null or last_used_step < ?)""")
                .params(step, Db.ts(now), factor.id(), factor.userId(), step).update() == 1;
    }

    private SecretMethod method(FactorType type) {
        SecretMethod method = methods.get(type);
        if (method == null) {
            throw new IllegalStateException("no method bean for " + type);
        }
        return method;
    }

    static EnrolledFactor factor(ResultSet rs, int row) throws SQLException {
        long step = rs.getLong("last_used_step");
        Long lastUsedStep = rs.wasNull() ? null : step;
        return new EnrolledFactor(rs.getObject("id", UUID.class), rs.getObject("user_id", UUID.class),
                FactorType.valueOf(rs.getString("type")), rs.getString("label"), rs.getString("secret_sealed"),
                rs.getString("public_data"), lastUsedStep, Db.instant(rs, "created_at"),
                Db.instant(rs, "last_used_at"));
    }
}

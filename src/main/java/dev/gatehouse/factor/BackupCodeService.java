package dev.gatehouse.factor;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.crypto.SecretSealer;
import dev.gatehouse.factor.backupcode.BackupCodeSecondFactor;
import dev.gatehouse.factor.backupcode.BackupCodes;
import dev.gatehouse.notify.Notifier;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.system.Db;
import dev.gatehouse.user.SecurityNotice;
import dev.gatehouse.user.User;
import dev.gatehouse.user.UserService;

/**
 * Backup codes (DESIGN.md invariant 5): a set of {@link BackupCodes#COUNT} single-use codes per user, the way back in
 * when no method is at hand. Only hashes are stored; a set is replaced whole, and the old one stops working in the
 * same transaction. A code is used by one conditional UPDATE ({@code used_at is null}), so of parallel uses of one
 * code exactly one succeeds, on any number of nodes. Typing a backup code counts towards the same wrong-code lockout
 * as every other code.
 */
@Service
public class BackupCodeService {

    /** The name wrong backup codes are audited under, beside the {@link FactorType} names. */
    static final String AUDIT_NAME = "BACKUP_CODE";

    private final JdbcClient jdbc;
    private final CodeGuard guard;
    private final SecretSealer sealer;
    private final AuditLog audit;
    private final Notifier notifier;
    private final TransactionTemplate tx;
    private final UserService users;
    private final Clock clock;
    private final ApplicationEventPublisher events;

    BackupCodeService(JdbcClient jdbc, CodeGuard guard, SecretSealer sealer, AuditLog audit, Notifier notifier,
                      TransactionTemplate tx, UserService users, Clock clock, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.guard = guard;
        this.sealer = sealer;
        this.audit = audit;
        this.notifier = notifier;
        this.tx = tx;
        this.users = users;
        this.clock = clock;
        this.events = events;
    }

    /** How many of the user's codes are still unused; 0 when they have none. */
    public int remaining(UUID userId) {
        return jdbc.sql("select count(*) from backup_codes where user_id = ? and used_at is null").param(userId)
                .query(Integer.class).single();
    }

    /** Whether the user has a set at all (perhaps all used). */
    public boolean hasSet(UUID userId) {
        return jdbc.sql("select count(*) from backup_codes where user_id = ?").param(userId)
                .query(Integer.class).single() > 0;
    }

    /**
     * Creates the user's first set, when their first method has just been turned on; empty when they have a set
     * already (also when two requests race: the user row is locked). Joins the caller's transaction if there is one.
     */
    public Optional<IssuedBackupCodes> issueFirstSet(User user, ClientInfo client) {
        return tx.execute(status -> {
            users.lockForChange(user.id());
            if (hasSet(user.id())) {
                return Optional.empty();
            }
            IssuedBackupCodes issued = store(user.id(), clock.instant());
            audit.record(AuditEventType.BACKUP_CODES_GENERATED, user.id(), null, client, "first set");
            return Optional.of(issued);
        });
    }

    /**
     * Replaces the user's set with a new one; the old codes stop working at once. Audited and announced by email, and,
     * as a change of how the user signs in, their other sessions end once it commits ({@link FactorChanged}; the page
     * says so): a new set is what someone makes who fears their codes were seen, and a session signed in with one of
     * those must not outlive them (found by a new user in stop 35: the page said the other sessions were signed out,
     * and they went on). Empty when the user has no method (backup codes only stand in for a method).
     */
    public Optional<IssuedBackupCodes> regenerate(User user, ClientInfo client) {
        Instant now = clock.instant();
        return tx.execute(status -> {
            users.lockForChange(user.id());
            if (!hasMethod(user.id())) {
                return Optional.empty();
            }
            jdbc.sql("delete from backup_codes where user_id = ?").param(user.id()).update();
            IssuedBackupCodes issued = store(user.id(), now);
            audit.record(AuditEventType.BACKUP_CODES_GENERATED, user.id(), null, client, "new set");
            events.publishEvent(new FactorChanged(user.id(), BackupCodeSecondFactor.TYPE, client));
            notifier.send(SecurityNotice.of(user, "backup-codes-regenerated", now, client,
                    Map.of("count", BackupCodes.COUNT)));
            return Optional.of(issued);
        });
    }

    /**
     * Whether {@code issued} is still the user's set: false once a newer set replaced it (a second "Generate new
     * codes" at the same time in another tab: the page of the first would show codes that no longer work) or the set
     * went with their last method.
     */
    public boolean stillCurrent(UUID userId, List<String> codes) {
        String first = BackupCodes.hash(userId, BackupCodes.normalize(codes.get(0)).orElseThrow());
        return jdbc.sql("select count(*) from backup_codes where user_id = ? and code_hash = ?")
                .params(userId, first).query(Integer.class).single() > 0;
    }

    /** The codes of a set just issued, in display form. Only for the user it was issued to; anything else is a bug. */
    public List<String> reveal(IssuedBackupCodes issued, UUID userId) {
        if (!issued.userId().equals(userId)) {
            throw new IllegalArgumentException("issued backup codes belong to another user");
        }
        byte[] plain = sealer.open(issued.sealedCodes(), context(userId));
        try {
            return List.of(new String(plain, StandardCharsets.US_ASCII).split("\n"));
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /**
     * Signs in (or re-confirms) with a typed backup code of this user. The attempt is counted before the code is
     * looked at; a right, unused code is used with a conditional UPDATE, audited and announced by email (with how many
     * are left) in one transaction.
     */
    public BackupCodeUse use(User user, String typed, ClientInfo client) {
        UUID userId = user.id();
        if (remaining(userId) == 0) {
            return new BackupCodeUse.Refused(new CodeCheck.NoSuchMethod());
        }
        CodeGuard.Outcome<Integer> outcome = guard.check(userId, AUDIT_NAME, clock.instant(), client,
                () -> BackupCodes.normalize(typed).flatMap(canonical -> consume(user, canonical, client)));
        return outcome instanceof CodeGuard.Outcome.Accepted<Integer> accepted
                ? new BackupCodeUse.Accepted(accepted.value())
                : new BackupCodeUse.Refused(((CodeGuard.Outcome.Refused<Integer>) outcome).why());
    }

    /** Uses the code if it is one of the user's unused ones; returns how many are left then. */
    Optional<Integer> consume(User user, String canonical, ClientInfo client) {
        record Row(UUID id, String hash) { }
        List<Row> unused = jdbc.sql("select id, code_hash from backup_codes where user_id = ? and used_at is null")
                .param(user.id()).query((rs, n) -> new Row(rs.getObject(1, UUID.class), rs.getString(2))).list();
        int index = BackupCodes.indexOf(unused.stream().map(Row::hash).toList(),
                BackupCodes.hash(user.id(), canonical));
        if (index < 0) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return tx.execute(status -> {
            int used = jdbc.sql("update backup_codes set used_at = ? where id = ? and user_id = ? and used_at is null")
                    .params(Db.ts(now), unused.get(index).id(), user.id()).update();
            if (used != 1) {
                return Optional.empty();
            }
            int remaining = remaining(user.id());
            audit.record(AuditEventType.BACKUP_CODE_USED, user.id(), null, client, remaining + " left");
            notifier.send(SecurityNotice.of(user, "backup-code-used", now, client, Map.of("remaining", remaining)));
            return Optional.of(remaining);
        });
    }

    /** Deletes the user's set, when their last method goes: backup codes stand in for a method, never alone. */
    void deleteAll(UUID userId) {
        jdbc.sql("delete from backup_codes where user_id = ?").param(userId).update();
    }

    private IssuedBackupCodes store(UUID userId, Instant now) {
        List<String> codes = BackupCodes.newSet();
        for (String code : codes) {
            jdbc.sql("insert into backup_codes (id, user_id, code_hash, created_at) values (?, ?, ?, ?)")
                    .params(UUID.randomUUID(), userId,
                            BackupCodes.hash(userId, BackupCodes.normalize(code).orElseThrow()), Db.ts(now))
                    .update();
        }
        byte[] plain = String.join("\n", codes).getBytes(StandardCharsets.US_ASCII);
        try {
            return new IssuedBackupCodes(userId, sealer.seal(plain, context(userId)), now);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    private boolean hasMethod(UUID userId) {
        return jdbc.sql("select count(*) from second_factors where user_id = ?").param(userId)
                .query(Integer.class).single() > 0;
    }

    private static String context(UUID userId) {
        return "backup-codes:" + userId;
    }
}

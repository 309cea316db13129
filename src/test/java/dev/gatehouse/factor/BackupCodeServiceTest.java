package dev.gatehouse.factor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.factor.backupcode.BackupCodes;
import dev.gatehouse.factor.totp.TotpMethod;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.testsupport.AuthenticatorApp;
import dev.gatehouse.testsupport.DevMail;
import dev.gatehouse.testsupport.MutableClock;
import dev.gatehouse.testsupport.Race;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.user.User;

/**
 * Backup codes against the real database (DESIGN.md invariant 5): storage, single use under races, the shared
 * lockout, replacement of a set, audit and email. Run on H2 and on PostgreSQL.
 */
abstract class BackupCodeServiceTest {

    static final ClientInfo CLIENT = new ClientInfo("203.0.113.9",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0 Safari/537.36");

    @Autowired
    ApplicationContext context;

    @Autowired
    BackupCodeService backupCodes;

    @Autowired
    FactorService factors;

    @Autowired
    TotpMethod totp;

    @Autowired
    MutableClock clock;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AuditLog audit;

    TestUsers users;

    @BeforeEach
    void setUp() {
        users = new TestUsers(context);
    }

    @Test
    void invariant5_tenCodesOfAtLeast64BitsStoredOnlyAsHashes() {
        User ada = withApp("stored");
        List<String> codes = firstSets.get(ada.id());

        assertThat(codes).hasSize(10).doesNotHaveDuplicates().allMatch(c -> BackupCodes.normalize(c).isPresent());
        List<String> stored = jdbc.sql("select code_hash from backup_codes where user_id = ?").param(ada.id())
                .query(String.class).list();
        assertThat(stored).hasSize(10).allMatch(h -> h.matches("[0-9a-f]{64}"));
        String everything = String.join(" ", jdbc.sql("select * from backup_codes where user_id = ?").param(ada.id())
                .query().listOfRows().toString(), jdbc.sql("select * from audit_events where user_id = ?")
                .param(ada.id()).query().listOfRows().toString(), jdbc.sql("select * from outbox where recipient = ?")
                .param(ada.email()).query().listOfRows().toString());
        for (String code : codes) {
            String canonical = BackupCodes.normalize(code).orElseThrow();
            assertThat(everything).doesNotContain(code).doesNotContain(canonical);
            assertThat(stored).contains(BackupCodes.hash(ada.id(), canonical));
        }
        assertThat(backupCodes.remaining(ada.id())).isEqualTo(10);
        assertThat(backupCodes.issueFirstSet(ada, CLIENT)).as("only the first method brings a set").isEmpty();
        assertThat(events(ada.id(), AuditEventType.BACKUP_CODES_GENERATED)).isEqualTo(1);
    }

    @Test
    void invariant5_thirtyParallelUsesOfOneCodeExactlyOneSucceeds() {
        User ada = withApp("race");
        List<String> codes = firstSets.get(ada.id());
        String code = codes.get(0);

        List<BackupCodeUse> results = Race.run(30, i -> backupCodes.use(ada, code, CLIENT));

        assertThat(results.stream().filter(BackupCodeUse.Accepted.class::isInstance).toList())
                .containsExactly(new BackupCodeUse.Accepted(9));
        assertThat(results).filteredOn(BackupCodeUse.Refused.class::isInstance).hasSize(29)
                .allSatisfy(r -> assertThat(((BackupCodeUse.Refused) r).why())
                        .isInstanceOfAny(CodeCheck.Wrong.class, CodeCheck.Locked.class));
        assertThat(backupCodes.remaining(ada.id())).isEqualTo(9);
        assertThat(events(ada.id(), AuditEventType.BACKUP_CODE_USED)).isEqualTo(1);
        assertThat(mailsTo(ada, "a backup code was used")).isEqualTo(1);

        // The single use comes from the database itself, not only from the attempt limit: 30 at once, all evaluated.
        String other = BackupCodes.normalize(codes.get(1)).orElseThrow();
        List<java.util.Optional<Integer>> direct = Race.run(30, i -> backupCodes.consume(ada, other, CLIENT));
        assertThat(direct.stream().filter(java.util.Optional::isPresent).toList())
                .containsExactly(java.util.Optional.of(8));
        assertThat(events(ada.id(), AuditEventType.BACKUP_CODE_USED)).isEqualTo(2);
    }

    @Test
    void invariant5_regeneratingVoidsTheOldSet() {
        User ada = withApp("regen");
        List<String> old = firstSets.get(ada.id());
        assertThat(backupCodes.use(ada, old.get(0), CLIENT)).isEqualTo(new BackupCodeUse.Accepted(9));

        List<String> fresh = backupCodes.reveal(backupCodes.regenerate(ada, CLIENT).orElseThrow(), ada.id());

        assertThat(fresh).hasSize(10).doesNotContainAnyElementsOf(old);
        assertThat(backupCodes.remaining(ada.id())).isEqualTo(10);
        assertThat(backupCodes.use(ada, old.get(1), CLIENT)).isEqualTo(new BackupCodeUse.Refused(new CodeCheck.Wrong(5)));
        assertThat(backupCodes.use(ada, fresh.get(1), CLIENT)).isEqualTo(new BackupCodeUse.Accepted(9));
        assertThat(jdbc.sql("select count(*) from backup_codes where user_id = ?").param(ada.id())
                .query(Long.class).single()).isEqualTo(10);
        assertThat(audit.typesForUser(ada.id())).containsSubsequence(AuditEventType.BACKUP_CODES_GENERATED,
                AuditEventType.BACKUP_CODE_USED, AuditEventType.BACKUP_CODES_GENERATED,
                AuditEventType.SECOND_FACTOR_FAILED, AuditEventType.BACKUP_CODE_USED);
        assertThat(mailsTo(ada, "new backup codes were created")).isEqualTo(1);
    }

    @Test
    void regenerateWhenUserHasNoMethodThenNothing() {
        User ada = users.create("nomethod").user();
        assertThat(backupCodes.regenerate(ada, CLIENT)).isEmpty();
        assertThat(backupCodes.hasSet(ada.id())).isFalse();
    }

    @Test
    void useWhenCodeOfAnotherUserThenWrongAndNothingUsed() {
        User ada = withApp("ada");
        User bob = withApp("bob");
        List<String> adaCodes = firstSets.get(ada.id());

        assertThat(backupCodes.use(bob, adaCodes.get(0), CLIENT))
                .isEqualTo(new BackupCodeUse.Refused(new CodeCheck.Wrong(5)));
        // Even Ada's row copied onto Bob's: the stored hash includes the user, so it matches nothing of Bob's.
        jdbc.sql("""
                insert into backup_codes (id, user_id, code_hash, created_at)
                select ?, ?, code_hash, created_at from backup_codes where user_id = ? fetch first 1 rows only""")
                .params(UUID.randomUUID(), bob.id(), ada.id()).update();
        for (String code : adaCodes) {
            assertThat(backupCodes.use(bob, code, CLIENT)).isInstanceOf(BackupCodeUse.Refused.class);
        }
        assertThat(backupCodes.remaining(ada.id())).isEqualTo(10);
        assertThat(events(bob.id(), AuditEventType.BACKUP_CODE_USED)).isZero();
    }

    @Test
    void useWhenSixWrongBackupCodesThenCodeEntryLockedForEveryCodeMethod() {
        User ada = withApp("lock");
        AuthenticatorApp app = apps.get(ada.id());
        List<String> codes = firstSets.get(ada.id());
        for (int i = 5; i >= 1; i--) {
            assertThat(backupCodes.use(ada, "AAAAAAA-AAAAAAA", CLIENT))
                    .isEqualTo(new BackupCodeUse.Refused(new CodeCheck.Wrong(i)));
        }
        assertThat(backupCodes.use(ada, "not even a code", CLIENT)).isInstanceOfSatisfying(BackupCodeUse.Refused.class,
                r -> assertThat(r.why()).isInstanceOf(CodeCheck.Locked.class));

        // Locked: a right backup code and a right app code are refused alike, and nothing is used.
        assertThat(backupCodes.use(ada, codes.get(0), CLIENT)).isInstanceOfSatisfying(BackupCodeUse.Refused.class,
                r -> assertThat(r.why()).isInstanceOf(CodeCheck.Locked.class));
        assertThat(factors.checkCode(ada.id(), TotpMethod.TYPE, app.code(clock.instant()), CLIENT))
                .isInstanceOf(CodeCheck.Locked.class);
        assertThat(backupCodes.remaining(ada.id())).isEqualTo(10);
        assertThat(events(ada.id(), AuditEventType.CODE_ENTRY_LOCKED)).isEqualTo(1);
        assertThat(jdbc.sql("select detail from audit_events where user_id = ? and type = 'SECOND_FACTOR_FAILED'")
                .param(ada.id()).query(String.class).list()).hasSize(6).containsOnly("BACKUP_CODE");

        // After the wait, a right backup code passes and resets the count.
        clock.advance(Duration.ofMinutes(5));
        assertThat(backupCodes.use(ada, codes.get(0).toLowerCase().replace("-", ""), CLIENT))
                .isEqualTo(new BackupCodeUse.Accepted(9));
        assertThat(factors.checkCode(ada.id(), TotpMethod.TYPE, app.wrongCode(clock.instant()), CLIENT))
                .isEqualTo(new CodeCheck.Wrong(5));
    }

    @Test
    void useWhenRightCodeThenAuditedAndEmailedWithHowManyAreLeft() {
        User ada = withApp("told");
        List<String> codes = firstSets.get(ada.id());
        for (int i = 0; i < 7; i++) {
            assertThat(backupCodes.use(ada, codes.get(i), CLIENT)).isEqualTo(new BackupCodeUse.Accepted(9 - i));
        }
        DevMail.Message last = new DevMail(context).await(ada.email(), "backup code was used");
        assertThat(mailsTo(ada, "a backup code was used")).isEqualTo(7);
        assertThat(jdbc.sql("select detail from audit_events where user_id = ? and type = 'BACKUP_CODE_USED' order by id")
                .param(ada.id()).query(String.class).list()).containsExactly("9 left", "8 left", "7 left", "6 left",
                "5 left", "4 left", "3 left");
        assertThat(last.text()).doesNotContain(codes.get(0));
        for (int i = 7; i < 10; i++) {
            backupCodes.use(ada, codes.get(i), CLIENT);
        }
        assertThat(backupCodes.remaining(ada.id())).isZero();
        assertThat(backupCodes.use(ada, codes.get(0), CLIENT))
                .as("with no code left nothing is even counted")
                .isEqualTo(new BackupCodeUse.Refused(new CodeCheck.NoSuchMethod()));
    }

    @Test
    void removeWhenLastMethodThenBackupCodesGoTooAndTheNextFirstMethodBringsANewSet() {
        User ada = withApp("last");
        List<String> old = firstSets.get(ada.id());
        UUID factorId = factors.factors(ada.id()).get(0).id();

        assertThat(factors.remove(ada, factorId, CLIENT)).isInstanceOf(FactorService.Removal.Removed.class);

        assertThat(backupCodes.hasSet(ada.id())).isFalse();
        assertThat(backupCodes.use(ada, old.get(0), CLIENT))
                .isEqualTo(new BackupCodeUse.Refused(new CodeCheck.NoSuchMethod()));
        firstSets.remove(ada.id());
        PendingEnrollment pending = factors.startEnrollment(ada, TotpMethod.TYPE).orElseThrow();
        AuthenticatorApp app = new AuthenticatorApp(totp.setup(ada, pending).base32Key());
        FactorService.Enrollment again = factors.finishEnrollment(ada, pending, app.code(clock.instant()), CLIENT);
        List<String> fresh = backupCodes.reveal(((FactorService.Enrollment.Enabled) again).firstBackupCodes(),
                ada.id());
        assertThat(fresh).hasSize(10).doesNotContainAnyElementsOf(old);
        clock.advance(Duration.ofSeconds(30));
    }

    private final java.util.Map<UUID, AuthenticatorApp> apps = new java.util.HashMap<>();
    private final java.util.Map<UUID, List<String>> firstSets = new java.util.HashMap<>();

    /** A user with the app on; the first method brought the first set of backup codes, kept in {@link #firstSets}. */
    private User withApp(String name) {
        User user = users.create(name).user();
        PendingEnrollment pending = factors.startEnrollment(user, TotpMethod.TYPE).orElseThrow();
        AuthenticatorApp app = new AuthenticatorApp(totp.setup(user, pending).base32Key());
        FactorService.Enrollment enabled = factors.finishEnrollment(user, pending, app.code(clock.instant()), CLIENT);
        assertThat(enabled).isInstanceOf(FactorService.Enrollment.Enabled.class);
        IssuedBackupCodes first = ((FactorService.Enrollment.Enabled) enabled).firstBackupCodes();
        assertThat(first).as("the first method brings the first set").isNotNull();
        clock.advance(Duration.ofSeconds(30));
        apps.put(user.id(), app);
        firstSets.put(user.id(), backupCodes.reveal(first, user.id()));
        return user;
    }

    private long events(UUID userId, AuditEventType type) {
        return audit.typesForUser(userId).stream().filter(type::equals).count();
    }

    private long mailsTo(User user, String subjectPart) {
        return jdbc.sql("select count(*) from outbox where recipient = ? and subject like ?")
                .params(user.email(), "%" + subjectPart + "%").query(Long.class).single();
    }
}

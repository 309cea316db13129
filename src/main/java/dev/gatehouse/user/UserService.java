package dev.gatehouse.user;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.Function;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.crypto.SecretSealer;
import dev.gatehouse.notify.Notifier;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.system.Db;
import dev.gatehouse.system.Inputs;
import dev.gatehouse.system.MetricNames;
import dev.gatehouse.system.RateLimits;

/** Users and their passwords. */
@Service
public class UserService {

    private static final String COLUMNS = "id, email, display_name, password_changed_at, created_at, sessions_generation";

    private final JdbcClient jdbc;
    private final PasswordHasher hasher;
    private final PasswordPolicy policy;
    private final AuditLog audit;
    private final Notifier notifier;
    private final PasswordAttempts attempts;
    private final PasswordProperties.Throttle throttle;
    private final RateLimits rateLimits;
    private final SecretSealer sealer;
    private final TransactionTemplate tx;
    private final ApplicationEventPublisher events;
    private final MeterRegistry meters;
    private final Clock clock;

    UserService(JdbcClient jdbc, PasswordHasher hasher, PasswordPolicy policy, AuditLog audit, Notifier notifier,
                PasswordAttempts attempts, PasswordProperties properties, SecretSealer sealer, TransactionTemplate tx,
                ApplicationEventPublisher events, RateLimits rateLimits, MeterRegistry meters, Clock clock) {
        this.meters = meters;
        meters.counter(MetricNames.LOCKOUTS, "kind", "password"); // at 0 from the start
        this.rateLimits = rateLimits;
        this.jdbc = jdbc;
        this.hasher = hasher;
        this.policy = policy;
        this.audit = audit;
        this.notifier = notifier;
        this.attempts = attempts;
        this.throttle = properties.throttle();
        this.sealer = sealer;
        this.tx = tx;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Serialises changes to one user's security settings until the caller's transaction ends: "not enrolled yet" and
     * "not the last method" are checks over several rows, which Read Committed alone would let two requests pass at
     * once. Must be called inside a transaction.
     */
    @Transactional(propagation = org.springframework.transaction.annotation.Propagation.MANDATORY)
    public void lockForChange(UUID userId) {
        jdbc.sql("select id from users where id = ? for update").param(userId).query(UUID.class).optional();
    }

    /**
     * Marks every session of the user made until now as ended, on every node: raises their sessions generation and
     * returns the new one. Joins the caller's transaction, or runs in its own.
     */
    public long endSessions(UUID userId) {
        return tx.execute(status -> {
            Long generation = jdbc.sql("select sessions_generation from users where id = ? for update").param(userId)
                    .query(Long.class).optional().orElse(null);
            if (generation == null) {
                return 0L;
            }
            jdbc.sql("update users set sessions_generation = ? where id = ?").param(generation + 1).param(userId)
                    .update();
            return generation + 1;
        });
    }

    /** The user's sessions generation ({@link User#sessionsGeneration}); empty when the user no longer exists. */
    public OptionalLong sessionsGeneration(UUID userId) {
        return jdbc.sql("select sessions_generation from users where id = ?").param(userId).query(Long.class)
                .optional().map(OptionalLong::of).orElseGet(OptionalLong::empty);
    }

    public Optional<User> findById(UUID id) {
        return jdbc.sql("select " + COLUMNS + " from users where id = ?").param(id).query(UserService::user).optional();
    }

    /** Empty for text that is no valid address: no user can have one, and PostgreSQL refuses some (a NUL). */
    public Optional<User> findByEmail(String email) {
        if (Inputs.emailProblem(email).isPresent()) {
            return Optional.empty();
        }
        return jdbc.sql("select " + COLUMNS + " from users where email_normalized = ?")
                .param(Inputs.normalizeEmail(email)).query(UserService::user).optional();
    }

    /** The answer to a password check. */
    public sealed interface PasswordCheck {
        record Accepted(User user) implements PasswordCheck { }
        /**
         * Wrong email or password; the two are not told apart to the person. {@code knownUserId} is the user the
         * address belongs to (for their own activity log), null when it has none.
         */
        record Rejected(UUID knownUserId) implements PasswordCheck { }
        /** Too many wrong passwords for this address: nothing was checked, and nothing is until {@code until}. */
        record Paused(Instant until) implements PasswordCheck { }
        /** Too many wrong passwords from this client's network: nothing was checked until {@code until}. */
        record NetworkPaused(Instant until) implements PasswordCheck { }
    }

    /**
     * Checks an email and password. Costs one Argon2 check whether or not the email is known, so neither the answer
     * nor its timing tells which addresses have users; wrong passwords pause further checks for that address the
     * same way whether it is known or not.
     *
     * @param browserCounter given the address's user (empty for an unknown address), the key of this browser's own
     *                       wrong-password counter when the user signed in on it before; used instead of the
     *                       address's counter
     */
    public PasswordCheck authenticate(String email, String password, ClientInfo client,
                                      Function<Optional<UUID>, Optional<String>> browserCounter) {
        // The turn to hash first: a sign-in refused as busy has counted nothing (not even against its network).
        return hasher.gated(() -> authenticateHolding(email, password, client, browserCounter));
    }

    private PasswordCheck authenticateHolding(String email, String password, ClientInfo client,
                                              Function<Optional<UUID>, Optional<String>> browserCounter) {
        // The network's budget first: a network past it checks nothing (not even a malformed attempt's decoy hash)
        // and counts nothing against the addresses it tries.
        Instant now = clock.instant();
        List<RateLimits.Limit> network = networkLimits(client);
        Optional<Instant> busy = rateLimits.take(network, now);
        if (busy.isPresent()) {
            return new PasswordCheck.NetworkPaused(busy.get());
        }
        if (password == null || password.length() > 4 * 128 || Inputs.emailProblem(email).isPresent()) {
            hasher.matchesNothing("");
            return new PasswordCheck.Rejected(null);
        }
        String normalized = Inputs.normalizeEmail(email);
        Optional<Credentials> found = jdbc.sql("select " + COLUMNS + ", password_hash from users where email_normalized = ?")
                .param(normalized)
                .query((rs, n) -> new Credentials(user(rs, n), rs.getString("password_hash")))
                .optional();
        String subject = browserCounter.apply(found.map(c -> c.user().id()))
                .orElseGet(() -> addressCounter(normalized));
        PasswordCheck check = checked(subject, found, password, client);
        if (!(check instanceof PasswordCheck.Rejected)) {
            // Only wrong passwords count: a right one, or one the address's pause kept from being checked, does not.
            rateLimits.giveBack(network, now);
        }
        return check;
    }

    private List<RateLimits.Limit> networkLimits(ClientInfo client) {
        PasswordProperties.Throttle.Network limits = throttle.network();
        return RateLimits.perNetwork("pw-net", client.ip(), limits.window(), limits.failuresPerWindow(),
                limits.failuresPerDay());
    }

    /** Checks the password of a signed-in user (re-confirmation, password change); counts toward the same pause. */
    public PasswordCheck verifyPassword(UUID userId, String password, ClientInfo client) {
        return hasher.gated(() -> verifyPasswordHolding(userId, password, client));
    }

    private PasswordCheck verifyPasswordHolding(UUID userId, String password, ClientInfo client) {
        Optional<Credentials> found = jdbc.sql("select " + COLUMNS + ", email_normalized, password_hash from users where id = ?")
                .param(userId)
                .query((rs, n) -> new Credentials(user(rs, n), rs.getString("password_hash"),
                        rs.getString("email_normalized")))
                .optional();
        if (found.isEmpty() || password == null || password.length() > 4 * 128) {
            hasher.matchesNothing("");
            return new PasswordCheck.Rejected(found.isPresent() ? userId : null);
        }
        return checked(addressCounter(found.get().normalizedEmail()), found, password, client);
    }

    private String addressCounter(String normalizedEmail) {
        return sealer.keyedHash(normalizedEmail, "password-attempts");
    }

    private PasswordCheck checked(String subject, Optional<Credentials> found, String password, ClientInfo client) {
        Instant now = clock.instant();
        Optional<Instant> paused = attempts.reserve(subject, now);
        if (paused.isPresent()) {
            return new PasswordCheck.Paused(paused.get());
        }
        boolean right = found.isPresent() ? hasher.matches(password, found.get().hash()) : hasher.matchesNothing(password);
        if (right) {
            attempts.succeeded(subject, now);
            return new PasswordCheck.Accepted(found.get().user());
        }
        Optional<PasswordAttempts.Pause> pause = attempts.failed(subject, now);
        pause.ifPresent(placed -> meters.counter(MetricNames.LOCKOUTS, "kind", "password").increment());
        if (pause.isPresent() && found.isPresent()) {
            User user = found.get().user();
            tx.executeWithoutResult(status -> {
                audit.record(AuditEventType.PASSWORD_CHECKS_PAUSED, user.id(), null, client, null);
                if (pause.get().first()) {
                    // One email per run of pauses: an attacker going on does not flood the inbox.
                    notifier.send(SecurityNotice.of(user, "password-checks-paused", now, client, Map.of(
                            "until", dev.gatehouse.system.Times.nextWholeMinute(pause.get().until()),
                            "minutes", Duration.between(now, pause.get().until()).toMinutes(),
                            "maxMinutes", throttle.maxLock().toMinutes())));
                }
            });
        }
        UUID knownUserId = found.map(c -> c.user().id()).orElse(null);
        return pause.<PasswordCheck>map(p -> new PasswordCheck.Paused(p.until()))
                .orElseGet(() -> new PasswordCheck.Rejected(knownUserId));
    }

    /** Deletes wrong-password counters left alone for a day (and not pausing anything). */
    @Scheduled(initialDelayString = "PT1M", fixedDelayString = "PT1H")
    void deleteQuietPasswordCounters() {
        Instant now = clock.instant();
        attempts.deleteQuietSince(now.minus(Duration.ofDays(1)), now);
    }

    /**
     * Creates a user whose email is already proved (by a sign-up link or an invitation). Returns empty when the
     * address has a user already (the unique constraint decides, so two racing sign-ups cannot both win).
     */
    @Transactional
    public Optional<User> create(String email, String displayName, String passwordHash) {
        Instant now = clock.instant();
        UUID id = UUID.randomUUID();
        int inserted = jdbc.sql("""
                insert into users (id, email, email_normalized, display_name, password_hash, password_changed_at, created_at)
                select :id, :email, :normalized, :name, :hash, :now, :now
                where not exists (select 1 from users where email_normalized = :normalized)""")
                .paramSource(Map.of("id", id, "email", Inputs.trim(email), "normalized", Inputs.normalizeEmail(email),
                        "name", Inputs.trim(displayName), "hash", passwordHash, "now", Db.ts(now)))
                .update();
        return inserted == 1 ? findById(id) : Optional.empty();
    }

    /** The outcome of a password change. */
    public sealed interface PasswordChange {
        record Changed(User user) implements PasswordChange { }
        record WrongCurrentPassword() implements PasswordChange { }
        record Paused(Instant until) implements PasswordChange { }
        record Rejected(String problemKey) implements PasswordChange { }
    }

    /**
     * Sets a new password chosen through a reset link (the caller proved the inbox and, for a user with a second
     * factor, that factor): the same rules as a change, the same consequences (trusted devices forgotten through
     * {@link PasswordChanged}, the user emailed), recorded as a reset. Joins the caller's transaction.
     */
    public PasswordChange resetPassword(UUID userId, String proposed, ClientInfo client) {
        Optional<String> problem = policy.problem(proposed);
        if (problem.isPresent()) {
            return new PasswordChange.Rejected(problem.get());
        }
        return new PasswordChange.Changed(setPassword(userId, proposed, AuditEventType.PASSWORD_RESET, client));
    }

    /**
     * Changes the password after checking the current one. Audits it, emails the user and publishes
     * {@link PasswordChanged} (trusted devices are forgotten) in the same transaction. The caller signs out the
     * user's other sessions. Both hashes use one turn at the {@link PasswordHasher}'s gate, taken before anything.
     */
    public PasswordChange changePassword(UUID userId, String current, String proposed, ClientInfo client) {
        // The turn outside the transaction: a request waiting for it holds no database connection.
        return hasher.gated(() -> tx.execute(status -> changePasswordHolding(userId, current, proposed, client)));
    }

    private PasswordChange changePasswordHolding(UUID userId, String current, String proposed, ClientInfo client) {
        PasswordCheck check = verifyPassword(userId, current, client);
        if (check instanceof PasswordCheck.Paused paused) {
            return new PasswordChange.Paused(paused.until());
        }
        if (!(check instanceof PasswordCheck.Accepted)) {
            return new PasswordChange.WrongCurrentPassword();
        }
        Optional<String> problem = policy.problem(proposed);
        if (problem.isPresent()) {
            return new PasswordChange.Rejected(problem.get());
        }
        if (proposed.equals(current)) {
            return new PasswordChange.Rejected("password.sameAsCurrent");
        }
        return new PasswordChange.Changed(setPassword(userId, proposed, AuditEventType.PASSWORD_CHANGED, client));
    }

    /**
     * Stores the new password and what follows from it, in the caller's transaction: recorded as {@code how},
     * {@link PasswordChanged} published (trusted devices are forgotten), the user emailed.
     */
    private User setPassword(UUID userId, String proposed, AuditEventType how, ClientInfo client) {
        Instant now = clock.instant();
        jdbc.sql("update users set password_hash = ?, password_changed_at = ? where id = ?")
                .params(hasher.hash(proposed), Db.ts(now), userId).update();
        User user = findById(userId).orElseThrow();
        audit.record(how, userId, client);
        events.publishEvent(new PasswordChanged(userId, client));
        notifier.send(SecurityNotice.of(user, "password-changed", now, client));
        return user;
    }

    private record Credentials(User user, String hash, String normalizedEmail) {
        Credentials(User user, String hash) {
            this(user, hash, null);
        }
    }

    static User user(ResultSet rs, int row) throws SQLException {
        return new User(rs.getObject("id", UUID.class), rs.getString("email"), rs.getString("display_name"),
                Db.instant(rs, "password_changed_at"), Db.instant(rs, "created_at"), rs.getLong("sessions_generation"));
    }
}

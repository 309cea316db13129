package dev.gatehouse.user;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.notify.EmailMessage;
import dev.gatehouse.notify.Notifier;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.system.Db;
import dev.gatehouse.system.Inputs;

/** Users and their passwords. */
@Service
public class UserService {

    private static final String COLUMNS = "id, email, display_name, password_changed_at, created_at";

    private final JdbcClient jdbc;
    private final PasswordHasher hasher;
    private final PasswordPolicy policy;
    private final AuditLog audit;
    private final Notifier notifier;
    private final Clock clock;

    UserService(JdbcClient jdbc, PasswordHasher hasher, PasswordPolicy policy, AuditLog audit, Notifier notifier,
                Clock clock) {
        this.jdbc = jdbc;
        this.hasher = hasher;
        this.policy = policy;
        this.audit = audit;
        this.notifier = notifier;
        this.clock = clock;
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

    /**
     * Checks an email and password. Costs one Argon2 check whether or not the email is known, so neither the answer
     * nor its timing tells which addresses have users.
     */
    public Optional<User> authenticate(String email, String password) {
        if (password == null || password.length() > 4 * 128 || Inputs.emailProblem(email).isPresent()) {
            hasher.matchesNothing("");
            return Optional.empty();
        }
        Optional<Credentials> found = jdbc.sql("select " + COLUMNS + ", password_hash from users where email_normalized = ?")
                .param(Inputs.normalizeEmail(email))
                .query((rs, n) -> new Credentials(user(rs, n), rs.getString("password_hash")))
                .optional();
        if (found.isEmpty()) {
            hasher.matchesNothing(password);
            return Optional.empty();
        }
        return hasher.matches(password, found.get().hash()) ? Optional.of(found.get().user()) : Optional.empty();
    }

    /** True when {@code password} is this user's password (for re-confirmation). */
    public boolean checkPassword(UUID userId, String password) {
        if (password == null || password.length() > 4 * 128) {
            return false;
        }
        return jdbc.sql("select password_hash from users where id = ?").param(userId).query(String.class).optional()
                .map(hash -> hasher.matches(password, hash))
                .orElseGet(() -> hasher.matchesNothing(password));
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
        record Rejected(String problemKey) implements PasswordChange { }
    }

    /**
     * Changes the password after checking the current one. Audits it and emails the user in the same transaction.
     * The caller signs out the user's other sessions.
     */
    @Transactional
    public PasswordChange changePassword(UUID userId, String current, String proposed, ClientInfo client) {
        if (!checkPassword(userId, current)) {
            return new PasswordChange.WrongCurrentPassword();
        }
        Optional<String> problem = policy.problem(proposed);
        if (problem.isPresent()) {
            return new PasswordChange.Rejected(problem.get());
        }
        if (proposed.equals(current)) {
            return new PasswordChange.Rejected("password.sameAsCurrent");
        }
        Instant now = clock.instant();
        jdbc.sql("update users set password_hash = ?, password_changed_at = ? where id = ?")
                .params(hasher.hash(proposed), Db.ts(now), userId).update();
        User user = findById(userId).orElseThrow();
        audit.record(AuditEventType.PASSWORD_CHANGED, userId, client);
        notifier.send(EmailMessage.of(user.email(), "password-changed", Map.of("displayName", user.displayName(),
                "when", now, "ip", client.ip(), "browser", client.browser())));
        return new PasswordChange.Changed(user);
    }

    private record Credentials(User user, String hash) {
    }

    static User user(ResultSet rs, int row) throws SQLException {
        return new User(rs.getObject("id", UUID.class), rs.getString("email"), rs.getString("display_name"),
                Db.instant(rs, "password_changed_at"), Db.instant(rs, "created_at"));
    }
}

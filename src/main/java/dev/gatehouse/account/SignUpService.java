package dev.gatehouse.account;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.crypto.RandomCodes;
import dev.gatehouse.crypto.SecretSealer;
import dev.gatehouse.crypto.Tokens;
import dev.gatehouse.notify.EmailMessage;
import dev.gatehouse.notify.Notifier;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.system.Db;
import dev.gatehouse.system.GatehouseProperties;
import dev.gatehouse.system.Inputs;
import dev.gatehouse.system.RateLimits;
import dev.gatehouse.user.PasswordHasher;
import dev.gatehouse.user.PasswordPolicy;
import dev.gatehouse.user.User;
import dev.gatehouse.user.UserService;

/**
 * Sign-up in two steps, so that it answers the same way for a new and a known address (no account enumeration): the
 * form always says "check your email"; a new address gets a link that creates the user and their account, a known
 * one gets a note that it already has a user. The password is hashed at once in both cases, which also keeps the
 * two answers equally slow.
 */
@Service
public class SignUpService {

    static final Duration LINK_VALIDITY = Duration.ofHours(24);
    private static final Duration HOUR = Duration.ofHours(1);

    private final JdbcClient jdbc;
    private final UserService users;
    private final AccountService accounts;
    private final PasswordPolicy policy;
    private final PasswordHasher hasher;
    private final Notifier notifier;
    private final AuditLog audit;
    private final GatehouseProperties gatehouse;
    private final RateLimits rateLimits;
    private final SignUpProperties limits;
    private final SecretSealer sealer;
    private final AccountRulesProperties accountRules;
    private final PhoneNumberCheck phones;
    private final Clock clock;
    private final TransactionTemplate tx;

    SignUpService(JdbcClient jdbc, UserService users, AccountService accounts, PasswordPolicy policy,
                  PasswordHasher hasher, Notifier notifier, AuditLog audit, GatehouseProperties gatehouse,
                  RateLimits rateLimits, SignUpProperties limits, SecretSealer sealer,
                  AccountRulesProperties accountRules, PhoneNumberCheck phones, Clock clock, TransactionTemplate tx) {
        this.tx = tx;
        this.accountRules = accountRules;
        this.phones = phones;
        this.rateLimits = rateLimits;
        this.limits = limits;
        this.sealer = sealer;
        this.jdbc = jdbc;
        this.users = users;
        this.accounts = accounts;
        this.policy = policy;
        this.hasher = hasher;
        this.notifier = notifier;
        this.audit = audit;
        this.gatehouse = gatehouse;
        this.clock = clock;
    }

    /** @param phone the owner's mobile number as typed; asked only when {@link #asksForPhone()}, ignored otherwise */
    public record SignUpForm(String displayName, String email, String password, String accountName, String phone) {
    }

    /**
     * Whether the form asks for a mobile number: a new account starts with text-message codes on
     * ({@code gatehouse.accounts.text-messages-by-default}) and text messages can be sent from here.
     */
    public boolean asksForPhone() {
        return accountRules.textMessagesByDefault() && phones.available();
    }

    /** What the sign-up form may show: the same for new and known addresses once the input is valid. */
    public sealed interface Request {
        record CheckEmail() implements Request { }
        record Invalid(FieldProblems problems) implements Request { }
        /** Too many sign-ups from this client's network: nothing was done; possible again at {@code until}. */
        record TooMany(Instant until) implements Request { }
    }

    /**
     * Asks for a sign-up: checks the form, takes the network's and the address's budgets (committed on their own), then
     * hashes the password with no database connection held, then records the request and mails the link. A refused
     * hash (the node busy) or a failed write gives the budgets back: nothing stored, nothing counted. The hash waits for
     * a turn of the node's hashing (up to {@code gatehouse.password.hashing.max-wait}): inside one transaction each
     * waiting sign-up held a pooled connection, and 100 anonymous sign-ups from five addresses made every other request
     * of the node wait 3 s for one (found by an outside re-attack in stop 32). Sign-in, password changes and resets
     * already hash outside their transactions.
     */
    public Request request(SignUpForm form, ClientInfo client) {
        // Read once: null when the form does not ask for a number.
        PhoneNumberCheck.Result phone = asksForPhone() ? phones.check(form.phone()) : null;
        FieldProblems problems = FieldProblems.builder()
                .check("displayName", Inputs.nameProblem(form.displayName()))
                .check("email", Inputs.emailProblem(form.email()))
                .check("password", policy.problem(form.password()))
                .check("accountName", Inputs.nameProblem(form.accountName()))
                .check("phone", phone instanceof PhoneNumberCheck.Result.Invalid invalid
                        ? Optional.of(phoneProblem(invalid)) : Optional.empty())
                .build();
        if (!problems.isEmpty()) {
            return new Request.Invalid(problems);
        }
        String e164 = phone instanceof PhoneNumberCheck.Result.Valid valid ? valid.e164() : null;
        String email = Inputs.trim(form.email());
        Instant now = clock.instant();
        List<RateLimits.Limit> network = RateLimits.perNetwork("signup-net", client.ip(), HOUR,
                limits.requestsPerNetworkPerHour(), limits.requestsPerNetworkPerDay());
        // Per address, the same whether or not it has a user: past the limit the answer is unchanged, no email.
        List<RateLimits.Limit> address = RateLimits.windowAndDay(
                "signup-to:" + sealer.keyedHash(Inputs.normalizeEmail(email), "signup-address"), HOUR,
                limits.emailsPerAddressPerHour(), limits.emailsPerAddressPerDay());
        Optional<Request> limited = tx.execute(status -> {
            Optional<Instant> busy = rateLimits.take(network, now);
            if (busy.isPresent()) {
                return Optional.of(new Request.TooMany(busy.get()));
            }
            if (rateLimits.take(address, now).isPresent()) {
                audit.record(AuditEventType.SIGN_UP_REQUESTED, null, null, client,
                        "address limit reached, nothing sent");
                return Optional.of(new Request.CheckEmail());
            }
            return Optional.empty();
        });
        if (limited.isPresent()) {
            return limited.get();
        }
        try {
            String passwordHash = hasher.hash(form.password());
            return tx.execute(status -> recorded(form, client, email, e164, passwordHash, now));
        } catch (RuntimeException refused) {
            // Busy hashing (or a failed write) stores no request: the budgets it took are given back, nothing counted.
            throw givenBack(refused, now, address, network);
        }
    }

    /**
     * Gives back the budgets an attempt took when it was refused before it counted (the node's hashing busy, a failed
     * write), and returns the refusal to throw: a failure to give them back does not replace it.
     */
    @SafeVarargs
    private RuntimeException givenBack(RuntimeException refused, Instant now, List<RateLimits.Limit>... budgets) {
        try {
            tx.executeWithoutResult(status -> {
                for (List<RateLimits.Limit> budget : budgets) {
                    rateLimits.giveBack(budget, now);
                }
            });
        } catch (RuntimeException alsoFailed) {
            refused.addSuppressed(alsoFailed);
        }
        return refused;
    }

    /** The request past its budgets, its password hashed: recorded and mailed, or the known address told. */
    private Request recorded(SignUpForm form, ClientInfo client, String email, String e164, String passwordHash,
                             Instant now) {
        Optional<User> existing = users.findByEmail(email);
        if (existing.isPresent()) {
            User user = existing.get();
            audit.record(AuditEventType.SIGN_UP_REQUESTED, user.id(), null, client, "address already registered");
            notifier.send(EmailMessage.of(user.email(), "signup-existing", Map.of(
                    "displayName", user.displayName(), "signinLink", gatehouse.link("/signin"))));
            return new Request.CheckEmail();
        }
        String token = RandomCodes.token();
        jdbc.sql("""
                insert into signup_requests (id, token_hash, email, display_name, account_name, password_hash,
                                             phone, created_at, expires_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(UUID.randomUUID(), Tokens.sha256(token), email, Inputs.trim(form.displayName()),
                        Inputs.trim(form.accountName()), passwordHash, e164, Db.ts(now),
                        Db.ts(now.plus(LINK_VALIDITY)))
                .update();
        audit.record(AuditEventType.SIGN_UP_REQUESTED, null, null, client, null);
        // Nothing typed into the form goes into this email: the address is not proved yet, and a name such as
        // "Win a prize at https://..." would otherwise reach a stranger's inbox in our name.
        notifier.send(new EmailMessage(email, "signup-confirm", Map.of(
                "link", gatehouse.link("/signup/confirm/" + token),
                "validHours", LINK_VALIDITY.toHours()), now.plus(LINK_VALIDITY)));
        return new Request.CheckEmail();
    }

    /** The message key for a refused mobile number, in the sign-up form's words. */
    private static String phoneProblem(PhoneNumberCheck.Result.Invalid invalid) {
        // The form has no country list: a number without its + code needs one.
        return "sms.phone.needCountry".equals(invalid.problemKey()) ? "signup.phone.needCountry" : invalid.problemKey();
    }

    /** A sign-up waiting for its link to be used. */
    public record Pending(String email, String displayName, String accountName) {
    }

    public Optional<Pending> pending(String token) {
        return jdbc.sql("""
                select email, display_name, account_name from signup_requests
                where token_hash = ? and completed_at is null and expires_at > ?""")
                .params(Tokens.sha256(token), Db.ts(clock.instant()))
                .query((rs, n) -> new Pending(rs.getString(1), rs.getString(2), rs.getString(3)))
                .optional();
    }

    public sealed interface Completion {
        record Completed(User user, UUID accountId) implements Completion { }
        /** Unknown, expired or already used link. */
        record InvalidLink() implements Completion { }
        /** The address got a user another way since the link was sent (e.g. an invitation). */
        record AlreadyRegistered() implements Completion { }
        /** Not the password the sign-up was asked with: nothing happened, and the link still works. */
        record WrongPassword() implements Completion { }
        /**
         * Five wrong passwords on this link in the last hour (ten in a day): none is checked until {@code until}, and
         * the link still works after it.
         */
        record TooManyWrongPasswords(Instant until) implements Completion { }
    }

    /**
     * Uses a sign-up link: creates the user and their account as owner, once, when {@code password} is the one the
     * sign-up was asked with. The link proves the inbox; the password proves that its owner is the person who asked.
     * Without it, anyone could sign up with someone else's address and a password of their own, and own the account
     * the moment its owner clicked the link they did not ask for (found by an outside attack in stop 31). The password
     * is checked in no transaction, like {@link #request}'s hash: the link's try is taken and committed first, the user
     * and account made after (a check waiting for a turn of the node's hashing held a pooled connection, and anyone
     * can sign up for links of their own: five tries each).
     */
    public Completion complete(String token, String password, ClientInfo client) {
        Instant now = clock.instant();
        record Row(UUID id, String email, String displayName, String accountName, String passwordHash,
                   String phone) { }
        Optional<Row> found = jdbc.sql("""
                select id, email, display_name, account_name, password_hash, phone from signup_requests
                where token_hash = ? and completed_at is null and expires_at > ?""")
                .params(Tokens.sha256(token), Db.ts(now))
                .query((rs, n) -> new Row(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6)))
                .optional();
        if (found.isEmpty()) {
            return new Completion.InvalidLink();
        }
        Row row = found.get();
        // Each link has five tries an hour: it is no place to guess a password at (a link that leaked from a
        // forwarded mail), nor to make the server hash without end (found by an outside attack in stop 31).
        List<RateLimits.Limit> tries = RateLimits.windowAndDay("signup-confirm:" + row.id(), HOUR, 5, 10);
        Optional<Instant> busy = tx.execute(status -> rateLimits.take(tries, now));
        if (busy.isPresent()) {
            return new Completion.TooManyWrongPasswords(busy.get());
        }
        boolean matches;
        try {
            matches = password != null && !password.isEmpty() && password.length() <= 4 * 128
                    && hasher.matches(password, row.passwordHash());
        } catch (RuntimeException refused) {
            throw givenBack(refused, now, tries); // the node's hashing busy: this try is not counted
        }
        if (!matches) {
            return new Completion.WrongPassword();
        }
        return tx.execute(status -> {
            rateLimits.giveBack(tries, now);
            // Single use, decided by the database: of two racing clicks exactly one updates the row.
            int claimed = jdbc.sql("update signup_requests set completed_at = ? where id = ? and completed_at is null")
                    .params(Db.ts(now), row.id()).update();
            if (claimed != 1) {
                return new Completion.InvalidLink();
            }
            Optional<User> user = users.create(row.email(), row.displayName(), row.passwordHash());
            if (user.isEmpty()) {
                return new Completion.AlreadyRegistered();
            }
            // With text messages on by default: required from the first sign-in, no grace period, every method
            // allowed (text messages included); the owner's number (unproved until they set up text-message codes
            // with it) waits on their user.
            UUID accountId = accounts.createWithOwner(row.accountName(), user.get().id(),
                    accountRules.textMessagesByDefault());
            String detail = null;
            if (accountRules.textMessagesByDefault()) {
                if (row.phone() != null) {
                    jdbc.sql("update users set phone = ? where id = ?").params(row.phone(), user.get().id()).update();
                }
                detail = "two-step verification required from the start (text-messages-by-default)";
            }
            audit.record(AuditEventType.SIGN_UP_COMPLETED, user.get().id(), accountId, client, detail);
            return new Completion.Completed(user.get(), accountId);
        });
    }
}

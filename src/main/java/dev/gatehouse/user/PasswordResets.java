package dev.gatehouse.user;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import jakarta.annotation.PreDestroy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.event.EventListener;
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

/**
 * "Forgot password?": a single-use link by email, valid {@link #VALIDITY}, kept only as a hash. Asking answers the same
 * whether or not the address has a user, within limits per address and per network, and in the same time: the page
 * asks with {@link #requestAnsweredAtOnce}, which looks the address up and writes the link after the answer went
 * out, on a thread of the node's own (an address with a user costs a short transaction more, to store the link and
 * queue the email: about 4 ms that told known addresses from unknown ones). The request waits for that work in the
 * database ({@code password_reset_requests}), so a node that stops or dies loses none: any node takes a request left
 * overdue. Using a link sets the password
 * ({@link UserService#resetPassword}); that a user with a second factor proves it first is the sign-in's business,
 * not this class's.
 */
@Service
public class PasswordResets {

    private static final Logger log = LoggerFactory.getLogger(PasswordResets.class);

    public static final Duration VALIDITY = Duration.ofMinutes(30);
    private static final Duration HOUR = Duration.ofHours(1);
    /**
     * Requests this node holds for its reset thread; past it a request waits in the database for a sweep (below), as if
     * its node had stopped.
     */
    private static final int WAITING = 256;
    /** A request still waiting this long after it was due is taken by whichever node sweeps first. */
    static final Duration OVERDUE = Duration.ofSeconds(2);
    /** A request whose work failed waits this long before any node tries it again. */
    private static final Duration RETRY_AFTER = Duration.ofSeconds(30);
    /** How often each node looks for overdue requests, and how many it takes at a time (oldest first). */
    private static final Duration SWEEP_EVERY = Duration.ofSeconds(1);
    private static final int SWEEP_AT_MOST = 50;
    /** The sealing context of an address waiting in {@code password_reset_requests}. */
    private static final String ADDRESS = "reset-request-address";

    private final JdbcClient jdbc;
    private final UserService users;
    private final Notifier notifier;
    private final AuditLog audit;
    private final RateLimits rateLimits;
    private final SecretSealer sealer;
    private final GatehouseProperties gatehouse;
    private final TransactionTemplate tx;
    private final Clock clock;
    /**
     * When a waiting request is due and overdue: the system clock, not the application's (a test that moves the
     * application's clock must not make requests overdue, or old, early).
     */
    private final Clock systemClock = Clock.systemUTC();
    private final PasswordHasher hasher;
    /**
     * The work after the answer starts {@value #AFTER_MS} to {@value #AFTER_MS} + {@value #SPREAD_MS} ms after it: once
     * the answer has gone out, not while the page is rendered and the session saved. Started at once, it competed with
     * them for the cores and the database, and the answer for a known address still took about 4 ms more (an outside
     * measurement in stop 34). The spread keeps it from falling at a fixed time after the request.
     */
    private static final long AFTER_MS = 200;
    private static final long SPREAD_MS = 300;
    /**
     * The node's reset thread: this node's requests when they are due, and every {@link #SWEEP_EVERY} any node's
     * overdue ones. Stopping drops what it holds (it waits in the database).
     */
    private final ScheduledThreadPoolExecutor afterTheAnswer = new ScheduledThreadPoolExecutor(1, runnable -> {
        Thread thread = new Thread(runnable, "password-reset");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile boolean sweepFailing;

    PasswordResets(JdbcClient jdbc, UserService users, Notifier notifier, AuditLog audit, RateLimits rateLimits,
                   SecretSealer sealer, GatehouseProperties gatehouse, TransactionTemplate tx, Clock clock,
                   PasswordHasher hasher) {
        this.hasher = hasher;
        this.jdbc = jdbc;
        this.users = users;
        this.notifier = notifier;
        this.audit = audit;
        this.rateLimits = rateLimits;
        this.sealer = sealer;
        this.gatehouse = gatehouse;
        this.tx = tx;
        this.clock = clock;
        afterTheAnswer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        afterTheAnswer.scheduleWithFixedDelay(this::sweep, SWEEP_EVERY.toMillis(), SWEEP_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    public sealed interface Request {
        /** The same answer for every address: "if it has a user, a link is on its way". */
        record CheckEmail() implements Request { }
        /** Too many requests from this network: nothing was done. */
        record TooMany(Instant until) implements Request { }
    }

    /**
     * Emails a reset link to {@code email} if it has a user (3 an hour and 10 a day per address, 20 an hour and 100 a
     * day per network); a new link ends the user's earlier ones. Answers once the link is stored and its email queued.
     */
    public Request request(String email, ClientInfo client) {
        return request(email, client, (normalized, now) -> sendLink(normalized, client, now, now));
    }

    /**
     * {@link #request}, answered before the address is looked up: the request is written down (for every address
     * alike, so the answer costs the same), and the address is looked up, the link stored and its email queued after
     * the answer went out, on the node's reset thread. A request this node cannot work on (stopping, dead, or
     * {@value #WAITING} waiting) is taken by a node's sweep once overdue; a request whose work fails is tried again
     * there. The page already said to ask again if no email comes.
     */
    public Request requestAnsweredAtOnce(String email, ClientInfo client) {
        return request(email, client, (normalized, now) -> {
            UUID id = UUID.randomUUID();
            long after = AFTER_MS + ThreadLocalRandom.current().nextLong(SPREAD_MS);
            Instant due = systemClock.instant().plusMillis(after);
            jdbc.sql("""
                    insert into password_reset_requests (id, address, ip, user_agent, requested_at, due_at, expires_at)
                    values (?, ?, ?, ?, ?, ?, ?)""")
                    .params(id, sealer.seal(normalized.getBytes(StandardCharsets.UTF_8), ADDRESS), client.ip(),
                            client.userAgent(), Db.ts(now), Db.ts(due), Db.ts(due.plus(VALIDITY)))
                    .update();
            workHere(id, after);
        });
    }

    private void workHere(UUID id, long after) {
        if (waiting.incrementAndGet() > WAITING) {
            waiting.decrementAndGet();
            return; // waits in the database for a sweep
        }
        try {
            afterTheAnswer.schedule(() -> {
                try {
                    workOrPostpone(id);
                } finally {
                    waiting.decrementAndGet();
                }
            }, after, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            waiting.decrementAndGet(); // waits in the database for another node, or this one's next start
        }
    }

    /**
     * {@link #work}; when it fails (the database, a lock held too long), the request is put off by {@link #RETRY_AFTER}
     * for every node, so that it neither blocks the requests behind it in a sweep nor is tried again each second.
     */
    private void workOrPostpone(UUID id) {
        try {
            work(id);
        } catch (RuntimeException e) {
            log.warn("A password reset link could not be made, tried again in {} s: {}", RETRY_AFTER.toSeconds(),
                    e.getClass().getSimpleName());
            try {
                jdbc.sql("update password_reset_requests set due_at = ? where id = ?")
                        .params(Db.ts(systemClock.instant().plus(RETRY_AFTER)), id).update();
            } catch (RuntimeException stillFailing) {
                // The database itself: the request stays as it is, and a sweep finds it when it is back.
            }
        }
    }

    /** How many answered requests wait for their work or are in it, on any node ({@link #requestAnsweredAtOnce}). */
    public int waitingAfterTheAnswer() {
        return jdbc.sql("select count(*) from password_reset_requests").query(Integer.class).single();
    }

    /**
     * Works on one waiting request, unless another node took it: the row is deleted in the transaction that stores
     * the link and queues its email, so exactly one node does it, and a failure leaves the row for a sweep. A row
     * another node is working on is passed over, not waited for ({@code skip locked}, as the outbox claims its
     * messages): nodes sweeping the same overdue rows in the same order queued behind each other's locks (stop 36).
     * A request older than a link lives is dropped unsent (the person will have asked again), and so is one whose
     * address no configured key opens. Returns whether this call took it.
     */
    boolean work(UUID id) {
        return Boolean.TRUE.equals(tx.execute(status -> {
            Optional<Waiting> request = jdbc.sql("""
                    select address, ip, user_agent, requested_at, expires_at from password_reset_requests where id = ?
                    for update skip locked""")
                    .param(id)
                    .query((rs, n) -> new Waiting(rs.getString(1), new ClientInfo(rs.getString(2), rs.getString(3)),
                            Db.instant(rs, "requested_at"), Db.instant(rs, "expires_at")))
                    .optional();
            if (request.isEmpty()) {
                return false; // gone, or held by another node
            }
            // Locked by the select: the delete is this transaction's claim, whatever else happens.
            jdbc.sql("delete from password_reset_requests where id = ?").param(id).update();
            if (request.get().expiresAt().isBefore(systemClock.instant())) {
                log.warn("A password reset request waited more than {} minutes and was dropped unsent",
                        VALIDITY.toMinutes());
                return true;
            }
            byte[] address;
            try {
                address = sealer.open(request.get().address(), ADDRESS);
            } catch (RuntimeException unreadable) {
                log.warn("A waiting password reset request could not be read and was dropped: {}",
                        unreadable.getClass().getSimpleName());
                return true;
            }
            sendLink(new String(address, StandardCharsets.UTF_8), request.get().client(),
                    request.get().requestedAt(), clock.instant());
            return true;
        }));
    }

    private record Waiting(String address, ClientInfo client, Instant requestedAt, Instant expiresAt) {
    }

    /**
     * Takes the requests left overdue (their node stopped, died, had too many waiting, or failed), oldest first. Every
     * node sweeps; {@link #work} makes sure each request is worked on once.
     */
    void sweep() {
        sweep(systemClock.instant().minus(OVERDUE));
    }

    /** {@link #sweep} of the requests due before {@code dueBefore}; one that fails is put off, the others go on. */
    void sweep(Instant dueBefore) {
        try {
            List<UUID> overdue = jdbc.sql("select id from password_reset_requests where due_at < ? order by due_at limit "
                            + SWEEP_AT_MOST)
                    .param(Db.ts(dueBefore)).query(UUID.class).list();
            overdue.forEach(this::workOrPostpone);
            sweepFailing = false;
        } catch (RuntimeException e) {
            if (!sweepFailing) { // once per outage, not every second
                log.error("Waiting password reset requests could not be worked on (tried again every {} s): {}",
                        SWEEP_EVERY.toSeconds(), e.getClass().getSimpleName());
            }
            sweepFailing = true;
        }
    }

    @PreDestroy
    void stop() throws InterruptedException {
        afterTheAnswer.shutdown(); // what this node held waits in the database
        if (!afterTheAnswer.awaitTermination(10, TimeUnit.SECONDS)) {
            afterTheAnswer.shutdownNow();
        }
    }

    private Request request(String email, ClientInfo client, BiConsumer<String, Instant> then) {
        Instant now = clock.instant();
        Optional<Instant> busy = rateLimits.take(RateLimits.perNetwork("reset-net", client.ip(), HOUR, 20, 100), now);
        if (busy.isPresent()) {
            return new Request.TooMany(busy.get());
        }
        String normalized = Inputs.trim(email);
        String address = sealer.keyedHash(Inputs.normalizeEmail(email), "reset-address");
        if (normalized.isEmpty() || normalized.length() > 320 || rateLimits.take(
                RateLimits.windowAndDay("reset-to:" + address, HOUR, 3, 10), now).isPresent()) {
            return new Request.CheckEmail();
        }
        then.accept(normalized, now);
        return new Request.CheckEmail();
    }

    /** The link for {@code normalized}'s user, if it has one; the email tells when it was asked for. */
    private void sendLink(String normalized, ClientInfo client, Instant askedAt, Instant now) {
        Optional<User> user = users.findByEmail(normalized);
        if (user.isEmpty()) {
            return;
        }
        String token = RandomCodes.token();
        tx.executeWithoutResult(status -> {
            // One request of a user at a time, so that "a new link ends the earlier ones" holds for requests sent at
            // once too (found by an outside attack: three at once left two live links).
            users.lockForChange(user.get().id());
            if (askedAt.isBefore(now) && jdbc.sql("select count(*) from password_resets where user_id = ? and created_at > ?")
                    .params(user.get().id(), Db.ts(askedAt)).query(Long.class).single() > 0) {
                return; // a request made later already sent a link: this late one must not end it
            }
            endOpenLinks(user.get().id(), now);
            jdbc.sql("""
                    insert into password_resets (id, user_id, token_hash, created_at, expires_at)
                    values (?, ?, ?, ?, ?)""")
                    .params(UUID.randomUUID(), user.get().id(), Tokens.sha256(token), Db.ts(now),
                            Db.ts(now.plus(VALIDITY))).update();
            audit.record(AuditEventType.PASSWORD_RESET_REQUESTED, user.get().id(), null, client, null);
            notifier.send(new EmailMessage(user.get().email(), "password-reset", Map.of(
                    "displayName", user.get().displayName(), "link", gatehouse.link("/signin/reset/" + token),
                    "validMinutes", VALIDITY.toMinutes(), "ip", client.ip(), "browser", client.browser(),
                    "when", askedAt), now.plus(VALIDITY)));
        });
    }

    /** A link not yet used nor expired: whose it is and when it was asked for. */
    public record Link(UUID id, UUID userId, Instant createdAt) {
    }

    public Optional<Link> find(String token) {
        if (token == null || token.length() > 100) {
            return Optional.empty();
        }
        return jdbc.sql("""
                select id, user_id, created_at from password_resets
                where token_hash = ? and used_at is null and expires_at > ?""")
                .params(Tokens.sha256(token), Db.ts(clock.instant()))
                .query((rs, n) -> new Link(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        Db.instant(rs, "created_at")))
                .optional();
    }

    public sealed interface Completion {
        record Done(User user) implements Completion { }
        /** The new password breaks a rule (message key); the link still works. */
        record Rejected(String problemKey) implements Completion { }
        /** Used, expired, or replaced by a newer one. */
        record Expired() implements Completion { }
    }

    /**
     * Sets the new password with the link, which is used up by it (once, on whichever node: one conditional UPDATE
     * decides), together with every other link of the user.
     */
    public Completion complete(String token, String proposed, ClientInfo client) {
        // The turn to hash before the link is used up, and outside the transaction (a waiter holds no connection).
        return hasher.gated(() -> completeHolding(token, proposed, client));
    }

    private Completion completeHolding(String token, String proposed, ClientInfo client) {
        Instant now = clock.instant();
        return tx.execute(status -> {
            Optional<Link> link = find(token);
            if (link.isEmpty() || jdbc.sql("""
                    update password_resets set used_at = ? where id = ? and used_at is null and expires_at > ?""")
                    .params(Db.ts(now), link.get().id(), Db.ts(now)).update() != 1) {
                return new Completion.Expired();
            }
            endOpenLinks(link.get().userId(), now);
            UserService.PasswordChange change = users.resetPassword(link.get().userId(), proposed, client);
            if (change instanceof UserService.PasswordChange.Changed changed) {
                return new Completion.Done(changed.user());
            }
            status.setRollbackOnly(); // the link stays usable: the password broke a rule
            return new Completion.Rejected(((UserService.PasswordChange.Rejected) change).problemKey());
        });
    }

    /**
     * A reset link was sent to the address the user had then: once their address changes, a link in the old mailbox
     * (perhaps the one they left because someone else reads it) no longer sets their password. In the change's
     * transaction.
     */
    @EventListener
    void emailChanged(EmailChanged changed) {
        endOpenLinks(changed.userId(), clock.instant());
    }

    /**
     * A link asked for before a password change no longer sets the password: the user who changed it chose the
     * password they want, and a link still in a mailbox someone else reads would undo that. In the change's
     * transaction.
     */
    @EventListener
    void passwordChanged(PasswordChanged changed) {
        endOpenLinks(changed.userId(), clock.instant());
    }

    /** Ends every link of the user not used yet (marks it used now). */
    private void endOpenLinks(UUID userId, Instant now) {
        jdbc.sql("update password_resets set used_at = ? where user_id = ? and used_at is null")
                .params(Db.ts(now), userId).update();
    }
}

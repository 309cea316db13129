package dev.gatehouse.factor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.crypto.RandomCodes;
import dev.gatehouse.crypto.SecretSealer;
import dev.gatehouse.notify.Notifier;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.system.Db;
import dev.gatehouse.user.EmailChanged;
import dev.gatehouse.user.SecurityNotice;
import dev.gatehouse.user.User;
import dev.gatehouse.user.UserDetails;
import dev.gatehouse.user.UserService;

/**
 * Codes sent by email or text message (DESIGN.md invariant 4): the core that issues, stores, sends and checks them for
 * every {@link SentCodeMethod}.
 *
 * <ul>
 *   <li>A code is 6 digits from the CSPRNG ({@link RandomCodes#digits}), valid {@code gatehouse.codes.validity}
 *       (10 minutes), and bound to one challenge: the user, the purpose, the attempt (sign-in attempt, re-confirmation,
 *       setup) and the channel. Only its keyed hash is stored.</li>
 *   <li>A new code replaces the hash in place, so the previous code stops working, and its message is withdrawn if
 *       it has not gone out yet. A new code needs the cooldown ({@code gatehouse.codes.resend-cooldown}) to have passed
 *       since the last one, and a free send under every abuse limit ({@link SendLimits}: the user's own per channel and
 *       purpose, the network's, and for setup codes the destination's and its country's); the cooldown is a
 *       conditional UPDATE and the limits are counters in the same transaction, so both hold across nodes.</li>
 *   <li>A typed code takes an attempt of the shared wrong-code lockout before it is looked at (like app codes); a
 *       right one is used by one conditional UPDATE, so of parallel submits exactly one passes. Sending a new code does
 *       not reset the count.</li>
 *   <li>The message goes into the outbox in the transaction that stores the code, with the code's expiry as its
 *       {@code notAfter}: a code that expires before it could be delivered is never sent late.</li>
 * </ul>
 */
@Service
public class CodeChallenges {

    public static final int DIGITS = 6;

    private static final Logger log = LoggerFactory.getLogger(CodeChallenges.class);
    private static final String COLUMNS =
            "id, user_id, purpose, attempt_id, channel, destination, code_hash, sends, message_id, sent_at, expires_at, used_at";

    private final Map<FactorType, SentCodeMethod> methods = new HashMap<>();
    private final FactorService factors;
    private final CodeGuard guard;
    private final SendLimits limits;
    private final SecretSealer sealer;
    private final Notifier notifier;
    private final AuditLog audit;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final CodeProperties properties;
    private final ApplicationEventPublisher events;
    private final UserDetails details;
    private final UserService users;
    private final Clock clock;

    CodeChallenges(List<SentCodeMethod> methods, FactorService factors, CodeGuard guard,
                   SendLimits limits, SecretSealer sealer, Notifier notifier, AuditLog audit, JdbcClient jdbc,
                   TransactionTemplate tx, CodeProperties properties, ApplicationEventPublisher events,
                   UserDetails details, UserService users, Clock clock) {
        methods.forEach(m -> this.methods.put(m.type(), m));
        this.details = details;
        this.users = users;
        this.events = events;
        this.factors = factors;
        this.guard = guard;
        this.limits = limits;
        this.sealer = sealer;
        this.notifier = notifier;
        this.audit = audit;
        this.jdbc = jdbc;
        this.tx = tx;
        this.properties = properties;
        this.clock = clock;
    }

    /** The method of a type whose codes Gatehouse sends; empty for other types. */
    public Optional<SentCodeMethod> method(FactorType type) {
        return Optional.ofNullable(type == null ? null : methods.get(type));
    }

    /** How long a code works after it is sent. */
    public Duration validity() {
        return properties.validity();
    }

    // --- sign-in and re-confirmation ----------------------------------------------------------------------------

    /**
     * Sends a code to the user's enrolled method of {@code type} for one challenge ({@link CodePurpose#SIGN_IN} or
     * {@link CodePurpose#RECONFIRM} with its attempt id). The first call of a challenge sends; later calls send a new
     * code once the cooldown has passed (and void the old one).
     */
    public CodeSend send(User user, FactorType type, CodePurpose purpose, UUID attemptId, ClientInfo client) {
        if (purpose == CodePurpose.SETUP) {
            throw new IllegalArgumentException("setup codes go to the address being set up: use startSetup");
        }
        Optional<EnrolledFactor> factor = factors.factor(user.id(), type);
        if (factor.isEmpty() || method(type).isEmpty() || factor.get().publicData() == null) {
            return new CodeSend.NoSuchMethod();
        }
        return sendTo(user, type, purpose, attemptId, factor.get().publicData(), client);
    }

    /** The challenge's state, if a code was ever sent for it. */
    public Optional<CodeChallenge> current(UUID userId, FactorType type, CodePurpose purpose, UUID attemptId) {
        return row(userId, type, purpose, attemptId).map(this::view);
    }

    /**
     * Checks a typed code of a {@link CodePurpose#SIGN_IN} or {@link CodePurpose#RECONFIRM} challenge of the user's
     * method of {@code type}. Counted before it is looked at; right only if it is the challenge's latest code, not
     * expired, sent to where the method's codes go now, and not used by a parallel submit. A right code ends the
     * challenge. {@code typed} may be anything a client sent.
     */
    public CodeCheck verify(UUID userId, FactorType type, CodePurpose purpose, UUID attemptId, String typed,
                            ClientInfo client) {
        if (purpose == CodePurpose.SETUP) {
            throw new IllegalArgumentException("setup codes are checked by finishSetup");
        }
        Optional<EnrolledFactor> factor = factors.factor(userId, type);
        if (factor.isEmpty() || method(type).isEmpty()) {
            return new CodeCheck.NoSuchMethod();
        }
        Optional<CodeCheck> refused = check(userId, type, purpose, attemptId, typed, factor.get().publicData(), client);
        if (refused.isPresent()) {
            return refused.get();
        }
        jdbc.sql("update second_factors set last_used_at = ? where id = ? and user_id = ?")
                .params(Db.ts(clock.instant()), factor.get().id(), userId).update();
        return new CodeCheck.Accepted(factor.get());
    }

    // --- setup: turning a method on, changing where codes go ---------------------------------------------------

    public sealed interface SetupStart {
        /**
         * The destination is fine; {@code send} tells whether a code went to it. Keep {@code setup} in the session
         * when the send is {@link CodeSend.Sent} or {@link CodeSend.CoolingDown}.
         */
        record Started(CodeSetup setup, CodeSend send) implements SetupStart { }
        /** The destination is not usable; nothing was stored or sent. */
        record Problem(String problemKey) implements SetupStart { }
    }

    /**
     * Begins (or repeats) a setup: checks the destination someone typed and sends a code to it. {@code previous} is the
     * setup already in the session, if any: for the same method and destination it is continued, so its cooldown
     * applies and typing the address again sends nothing new before it.
     */
    public SetupStart startSetup(User user, FactorType type, String typed, String region, CodeSetup previous,
                                 ClientInfo client) {
        Optional<SentCodeMethod> method = method(type);
        if (method.isEmpty()) {
            throw new IllegalArgumentException(type + " is not a method with sent codes");
        }
        if (!method.get().available()) {
            return new SetupStart.Problem("codes.unavailable." + type.name());
        }
        DestinationCheck check = method.get().checkDestination(typed, region);
        if (check instanceof DestinationCheck.Invalid invalid) {
            return new SetupStart.Problem(invalid.problemKey());
        }
        DestinationCheck.Valid valid = (DestinationCheck.Valid) check;
        Instant now = clock.instant();
        CodeSetup setup = previous != null && previous.userId().equals(user.id()) && previous.type().equals(type)
                && previous.destination().equals(valid.value()) && !previous.expired(now)
                ? previous
                : new CodeSetup(UUID.randomUUID(), user.id(), type, valid.value(), valid.shown(), valid.region(), now);
        return new SetupStart.Started(setup, sendTo(user, type, CodePurpose.SETUP, setup.id(), setup.destination(),
                client));
    }

    /** "Send a new code" during a setup. */
    public CodeSend resendSetup(User user, CodeSetup setup, ClientInfo client) {
        if (!setup.userId().equals(user.id()) || setup.expired(clock.instant())) {
            return new CodeSend.Finished();
        }
        return sendTo(user, setup.type(), CodePurpose.SETUP, setup.id(), setup.destination(), client);
    }

    public sealed interface SetupResult {
        /** The method is on. {@code firstBackupCodes} as in {@link FactorService.Enrollment.Enabled}. */
        record Enabled(EnrolledFactor factor, IssuedBackupCodes firstBackupCodes) implements SetupResult { }
        /** The method was on already; its codes go to the new destination from now on. */
        record Changed(EnrolledFactor factor) implements SetupResult { }
        /** The code was not accepted: {@link CodeCheck.Wrong}, {@link CodeCheck.Locked} or {@link CodeCheck.Suspended}. */
        record Refused(CodeCheck why) implements SetupResult { }
        /** The setup is too old, not this user's, or overtaken by another: start again. */
        record Expired() implements SetupResult { }
    }

    /**
     * Finishes a setup with the code typed back. A right code turns the method on through {@link FactorService}
     * (stored, audited, announced, first backup codes), or, when it is on already, moves its codes to the new
     * destination (audited and announced to the account's address).
     */
    public SetupResult finishSetup(User user, CodeSetup setup, String typed, ClientInfo client) {
        Instant now = clock.instant();
        if (setup == null || !setup.userId().equals(user.id()) || setup.expired(now) || method(setup.type()).isEmpty()) {
            return new SetupResult.Expired();
        }
        Optional<CodeCheck> refused = check(user.id(), setup.type(), CodePurpose.SETUP, setup.id(), typed,
                setup.destination(), client);
        if (refused.isPresent()) {
            return new SetupResult.Refused(refused.get());
        }
        if (factors.factor(user.id(), setup.type()).isPresent()) {
            return changeDestination(user, setup, client);
        }
        PendingEnrollment pending = VerifiedDestination.pending(sealer, user.id(), setup.type(), setup.destination(),
                setup.startedAt());
        FactorService.Enrollment enrollment = factors.finishEnrollment(user, pending, "", client);
        if (enrollment instanceof FactorService.Enrollment.Enabled enabled) {
            recordPhone(user.id(), setup, null);
            return new SetupResult.Enabled(enabled.factor(), enabled.firstBackupCodes());
        }
        return new SetupResult.Expired();
    }

    private SetupResult changeDestination(User user, CodeSetup setup, ClientInfo client) {
        Instant now = clock.instant();
        SentCodeMethod method = methods.get(setup.type());
        return tx.execute(status -> {
            users.lockForChange(user.id());
            String previous = factors.factor(user.id(), setup.type()).map(EnrolledFactor::publicData).orElse(null);
            int changed = jdbc.sql("""
                    update second_factors set public_data = ?, last_used_at = ? where user_id = ? and type = ?""")
                    .params(setup.destination(), Db.ts(now), user.id(), setup.type().name()).update();
            if (changed != 1) {
                return new SetupResult.Expired();
            }
            recordPhone(user.id(), setup, previous);
            announceMove(user, setup.type(), setup.destination(), now, client);
            return new SetupResult.Changed(factors.factor(user.id(), setup.type()).orElseThrow());
        });
    }

    private void announceMove(User user, FactorType type, String destination, Instant now, ClientInfo client) {
        SentCodeMethod method = methods.get(type);
        audit.record(AuditEventType.CODE_DESTINATION_CHANGED, user.id(), null, client, type.name());
        events.publishEvent(new FactorChanged(user.id(), type, client));
        notifier.send(SecurityNotice.of(user, "code-destination-changed", now, client, Map.of(
                "method", method.displayName(), "destination", method.masked(destination))));
    }

    /** A number a code just proved becomes the phone on file (User details), by {@link UserDetails}' rule. */
    private void recordPhone(UUID userId, CodeSetup setup, String previous) {
        if (methods.get(setup.type()).destination() == SentCodeMethod.Destination.PHONE_NUMBER) {
            details.phoneProvedBySetup(userId, setup.destination(), previous);
        }
    }

    /**
     * Email codes go to the user's contact email: when a confirmed change moves it, the codes move with it, in the
     * change's transaction, announced to the new address like any move (and other sessions end, as for any move).
     * The new address was proved by the link that confirmed the change. Codes already sent to the old address stop
     * working, since a code counts only where the method's codes go now.
     */
    @EventListener
    void contactEmailChanged(EmailChanged changed) {
        Instant now = clock.instant();
        User user = users.findById(changed.userId()).orElseThrow();
        for (SentCodeMethod method : methods.values()) {
            if (method.destination() != SentCodeMethod.Destination.EMAIL_ADDRESS
                    || factors.factor(user.id(), method.type()).map(EnrolledFactor::publicData)
                    .filter(changed.newEmail()::equals).isPresent()
                    || factors.factor(user.id(), method.type()).isEmpty()) {
                continue;
            }
            jdbc.sql("update second_factors set public_data = ? where user_id = ? and type = ?")
                    .params(changed.newEmail(), user.id(), method.type().name()).update();
            announceMove(user, method.type(), changed.newEmail(), now, changed.client());
        }
    }

    // --- the shared core ----------------------------------------------------------------------------------------

    /** The user already receives at this destination: it is their sign-in address or their verified phone on file. */
    private boolean proven(User user, String destination) {
        return destination.equalsIgnoreCase(user.email()) || details.phone(user.id())
                .filter(UserDetails.Phone::verified).map(UserDetails.Phone::number).filter(destination::equals)
                .isPresent();
    }

    private CodeSend sendTo(User user, FactorType type, CodePurpose purpose, UUID attemptId, String destination,
                            ClientInfo client) {
        SentCodeMethod method = methods.get(type);
        if (!method.available()) {
            return new CodeSend.Refused("codes.unavailable." + type.name());
        }
        // Checked at every send: a country taken off the allowed list stops codes to numbers set up before.
        DestinationCheck check = method.checkDestination(destination, null);
        if (check instanceof DestinationCheck.Invalid invalid) {
            return new CodeSend.Refused(invalid.problemKey());
        }
        SendLimits.Send counted = new SendLimits.Send(user.id(), type, purpose, destination,
                ((DestinationCheck.Valid) check).region(), purpose == CodePurpose.SETUP && proven(user, destination));
        Instant now = clock.instant();
        String code = RandomCodes.digits(DIGITS);
        String hash = sealer.keyedHash(code, context(user.id(), purpose, attemptId, type));
        Instant expires = now.plus(properties.validity());
        CodeSend result = tx.execute(status -> {
            int inserted = jdbc.sql("""
                    insert into code_challenges (id, user_id, purpose, attempt_id, channel, destination, code_hash,
                                                 sends, created_at, sent_at, expires_at)
                    values (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)
                    on conflict do nothing""")
                    .params(UUID.randomUUID(), user.id(), purpose.name(), attemptId, type.name(), destination, hash,
                            Db.ts(now), Db.ts(now), Db.ts(expires))
                    .update();
            Row previous = null;
            if (inserted == 0) {
                // Locks the challenge until commit: a parallel send waits here, then finds the cooldown running.
                previous = jdbc.sql("select " + COLUMNS + " from code_challenges"
                                + " where user_id = ? and purpose = ? and attempt_id = ? and channel = ? for update")
                        .params(user.id(), purpose.name(), attemptId, type.name())
                        .query(CodeChallenges::row).single();
                int renewed = jdbc.sql("""
                        update code_challenges
                        set code_hash = ?, destination = ?, sends = sends + 1, message_id = null, sent_at = ?,
                            expires_at = ?
                        where id = ? and used_at is null and sent_at <= ?""")
                        .params(hash, destination, Db.ts(now), Db.ts(expires), previous.id(),
                                Db.ts(now.minus(properties.resendCooldown())))
                        .update();
                if (renewed == 0) {
                    return previous.usedAt() != null ? new CodeSend.Finished()
                            : new CodeSend.CoolingDown(previous.sentAt().plus(properties.resendCooldown()),
                            view(previous));
                }
            }
            Optional<CodeSend.LimitReached> limited = limits.take(counted, client.ip(), now);
            if (limited.isPresent()) {
                status.setRollbackOnly();
                return limited.get();
            }
            if (previous != null && previous.messageId() != null) {
                notifier.withdraw(previous.messageId());
            }
            CodeMessage message = method.message(user, destination, code, purpose, expires, properties.validity());
            UUID messageId = message instanceof CodeMessage.ByEmail email ? notifier.send(email.email())
                    : notifier.send(((CodeMessage.BySms) message).sms());
            jdbc.sql("""
                    update code_challenges set message_id = ?
                    where user_id = ? and purpose = ? and attempt_id = ? and channel = ?""")
                    .params(messageId, user.id(), purpose.name(), attemptId, type.name()).update();
            audit.record(AuditEventType.CODE_SENT, user.id(), null, client,
                    type.name() + " " + purpose.name() + (previous == null ? "" : " (new code)"));
            return new CodeSend.Sent(current(user.id(), type, purpose, attemptId).orElseThrow());
        });
        if (result instanceof CodeSend.LimitReached limited) {
            log.info("Not sending a {} {} code for user {}: {} send limit reached until {}", type, purpose, user.id(),
                    limited.budget(), limited.until());
        }
        return result;
    }

    /**
     * Counts an attempt, then checks the code against the challenge and uses it. Empty when accepted; otherwise what
     * the user is told.
     */
    private Optional<CodeCheck> check(UUID userId, FactorType type, CodePurpose purpose, UUID attemptId,
                                      String typed, String destination, ClientInfo client) {
        Instant now = clock.instant();
        CodeGuard.Outcome<Boolean> outcome = guard.check(userId, type.name(), now, client, () ->
                use(userId, type, purpose, attemptId, normalize(typed), destination, now)
                        ? Optional.of(Boolean.TRUE) : Optional.empty());
        return outcome instanceof CodeGuard.Outcome.Refused<Boolean> refused
                ? Optional.of(refused.why()) : Optional.empty();
    }

    /** Uses the challenge's code if {@code code} is it; one conditional UPDATE decides among parallel submits. */
    private boolean use(UUID userId, FactorType type, CodePurpose purpose, UUID attemptId, String code,
                        String destination, Instant now) {
        if (code == null) {
            return false;
        }
        Optional<Row> row = row(userId, type, purpose, attemptId);
        if (row.isEmpty() || row.get().codeHash() == null || row.get().usedAt() != null
                || !now.isBefore(row.get().expiresAt()) || !row.get().destination().equals(destination)
                || !sealer.keyedHashMatches(row.get().codeHash(), code, context(userId, purpose, attemptId, type))) {
            return false;
        }
        return jdbc.sql("""
                update code_challenges set used_at = ?, code_hash = null
                where id = ? and user_id = ? and code_hash = ? and used_at is null and expires_at > ?""")
                .params(Db.ts(now), row.get().id(), userId, row.get().codeHash(), Db.ts(now))
                .update() == 1;
    }

    /** Six digits, with spaces allowed between them ("123 456"); null for anything else. */
    static String normalize(String typed) {
        if (typed == null || typed.length() > 20) {
            return null;
        }
        String digits = typed.strip().replace(" ", "").replace("\u00a0", "");
        return digits.length() == DIGITS && digits.chars().allMatch(c -> c >= '0' && c <= '9') ? digits : null;
    }

    /** What a code's hash is bound to: a code of one challenge matches no other. */
    private static String context(UUID userId, CodePurpose purpose, UUID attemptId, FactorType type) {
        return "code:" + userId + ":" + purpose.name() + ":" + attemptId + ":" + type.name();
    }

    /** Deletes challenges and limit counters a day after they ended (they only matter while they run). */
    @Scheduled(initialDelayString = "PT1M", fixedDelayString = "PT1H")
    void deleteOld() {
        Instant before = clock.instant().minus(Duration.ofDays(1));
        int challenges = jdbc.sql("delete from code_challenges where expires_at < ?").param(Db.ts(before)).update();
        int counters = limits.deleteEndedBefore(before);
        log.debug("Deleted {} old code challenges and {} old send counters", challenges, counters);
    }

    private record Row(UUID id, UUID userId, CodePurpose purpose, UUID attemptId, FactorType type,
                       String destination, String codeHash, int sends, UUID messageId, Instant sentAt,
                       Instant expiresAt, Instant usedAt) {
    }

    private Optional<Row> row(UUID userId, FactorType type, CodePurpose purpose, UUID attemptId) {
        return jdbc.sql("select " + COLUMNS + " from code_challenges"
                        + " where user_id = ? and purpose = ? and attempt_id = ? and channel = ?")
                .params(userId, purpose.name(), attemptId, type.name())
                .query(CodeChallenges::row).optional();
    }

    private static Row row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Row(rs.getObject("id", UUID.class), rs.getObject("user_id", UUID.class),
                CodePurpose.valueOf(rs.getString("purpose")), rs.getObject("attempt_id", UUID.class),
                FactorType.valueOf(rs.getString("channel")), rs.getString("destination"), rs.getString("code_hash"),
                rs.getInt("sends"), rs.getObject("message_id", UUID.class), Db.instant(rs, "sent_at"),
                Db.instant(rs, "expires_at"), Db.instant(rs, "used_at"));
    }

    private CodeChallenge view(Row row) {
        return new CodeChallenge(row.type(), row.purpose(), row.destination(), row.sends(), row.sentAt(),
                row.expiresAt(), row.sentAt().plus(properties.resendCooldown()), row.usedAt() != null);
    }
}

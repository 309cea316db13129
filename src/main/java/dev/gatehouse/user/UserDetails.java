package dev.gatehouse.user;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataIntegrityViolationException;
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
import dev.gatehouse.system.Times;

/**
 * A user's own details: their name, their contact email (which is also the address they sign in with), the phone
 * number on file and the time zone their times are shown in.
 *
 * <ul>
 *   <li>The name changes at once.</li>
 *   <li>A new email takes effect only through a link sent to it: single use, valid {@link #LINK_VALIDITY}, kept as
 *       its SHA-256, usable only by the user who asked (the lookup is by user and token). The old address is told when
 *       the change is asked for and when it is done. At the link the address is checked again for being free (the
 *       unique constraint decides). {@link EmailChanged} is published in the change's transaction: the email codes
 *       follow the address there.</li>
 *   <li>The phone number is an E.164 number the caller has checked with the text-message rules. Whether a code
 *       proved it is the caller's to say: this class only records it.</li>
 * </ul>
 */
@Service
public class UserDetails {

    public static final Duration LINK_VALIDITY = Duration.ofHours(24);
    private static final Duration HOUR = Duration.ofHours(1);
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");

    private final SecretSealer sealer;
    private final JdbcClient jdbc;
    private final UserService users;
    private final Notifier notifier;
    private final AuditLog audit;
    private final RateLimits rateLimits;
    private final GatehouseProperties gatehouse;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate tx;
    private final Clock clock;

    UserDetails(JdbcClient jdbc, UserService users, Notifier notifier, AuditLog audit, RateLimits rateLimits,
                GatehouseProperties gatehouse, ApplicationEventPublisher events, TransactionTemplate tx,
                SecretSealer sealer, Clock clock) {
        this.sealer = sealer;
        this.jdbc = jdbc;
        this.users = users;
        this.notifier = notifier;
        this.audit = audit;
        this.rateLimits = rateLimits;
        this.gatehouse = gatehouse;
        this.events = events;
        this.tx = tx;
        this.clock = clock;
    }

    // --- name ---------------------------------------------------------------------------------------------------

    /** The name {@link #rename} stores for what was typed (the session shows the same). */
    public static String storedName(String typed) {
        return Inputs.trim(typed);
    }

    /** Empty when renamed (or the name was already that); else the message key of what is wrong with it. */
    public Optional<String> rename(User user, String typed, ClientInfo client) {
        Optional<String> problem = Inputs.nameProblem(typed);
        if (problem.isPresent()) {
            return problem;
        }
        String name = storedName(typed);
        if (!name.equals(user.displayName())) {
            tx.executeWithoutResult(status -> {
                jdbc.sql("update users set display_name = ? where id = ?").params(name, user.id()).update();
                audit.record(AuditEventType.DISPLAY_NAME_CHANGED, user.id(), client);
            });
        }
        return Optional.empty();
    }

    // --- time zone ----------------------------------------------------------------------------------------------

    /** The zone the user's times are shown in; empty when they have none (times are then in UTC). */
    public Optional<ZoneId> timeZone(UUID userId) {
        return jdbc.sql("select time_zone from users where id = ?").param(userId).query(String.class).optional()
                .flatMap(Times::zone);
    }

    /**
     * The zone of the user's browser (as its script reported it) becomes theirs when they have none yet; a value that
     * is not an available zone id is ignored. One conditional UPDATE, so a zone the user chose is never overwritten.
     */
    public void rememberBrowserZone(UUID userId, String reported) {
        Times.zone(reported).ifPresent(zone -> jdbc.sql("update users set time_zone = ? where id = ? and time_zone is null")
                .params(zone.getId(), userId).update());
    }

    /** Sets the user's zone to {@code chosen}; false (and nothing changed) when it is not an available zone id. */
    public boolean chooseTimeZone(UUID userId, String chosen) {
        Optional<ZoneId> zone = Times.zone(chosen);
        zone.ifPresent(z -> jdbc.sql("update users set time_zone = ? where id = ?").params(z.getId(), userId).update());
        return zone.isPresent();
    }

    // --- contact email ------------------------------------------------------------------------------------------

    /** A change of email waiting for its link. */
    public record PendingEmailChange(String newEmail, Instant expiresAt) {
    }

    public sealed interface EmailChangeRequest {
        /** A link went to {@code newEmail}; the old address was told. */
        record Sent(PendingEmailChange pending) implements EmailChangeRequest { }
        /** The address is not usable (message key); nothing was sent. */
        record Rejected(String problemKey) implements EmailChangeRequest { }
        /** Too many links asked for lately; nothing was sent until {@code until}. */
        record TooMany(Instant until) implements EmailChangeRequest { }
    }

    /**
     * Emails a link to {@code typed} that makes it the user's email, and tells the current address. A new request
     * replaces a pending one. The answer does not say whether the address belongs to someone else (that would tell
     * any signed-in user which addresses have users here): such a link answers "taken" when used. At most 3 links an
     * hour and 10 a day per user, and as many to one address from all users together: several users (anyone can sign
     * up) must not fill a stranger's inbox with links carrying their names (found by an outside attack in stop 31).
     */
    public EmailChangeRequest requestEmailChange(User user, String typed, ClientInfo client) {
        Optional<String> problem = Inputs.emailProblem(typed);
        if (problem.isPresent()) {
            return new EmailChangeRequest.Rejected(problem.get());
        }
        String email = Inputs.trim(typed);
        if (Inputs.normalizeEmail(email).equals(Inputs.normalizeEmail(user.email()))) {
            return new EmailChangeRequest.Rejected("details.email.same");
        }
        Instant now = clock.instant();
        List<RateLimits.Limit> limits = new java.util.ArrayList<>(
                RateLimits.windowAndDay("email-change:" + user.id(), HOUR, 3, 10));
        String destination = sealer.keyedHash(Inputs.normalizeEmail(email), "email-change-to");
        limits.addAll(RateLimits.windowAndDay("email-change-to:" + destination.substring(destination.lastIndexOf('.')
                + 1), HOUR, 3, 10));
        Optional<Instant> busy = rateLimits.take(limits, now);
        if (busy.isPresent()) {
            return new EmailChangeRequest.TooMany(busy.get());
        }
        String token = RandomCodes.token();
        Instant expires = now.plus(LINK_VALIDITY);
        tx.executeWithoutResult(status -> {
            endPending(user.id(), now);
            jdbc.sql("""
                    insert into email_changes (id, user_id, new_email, token_hash, created_at, expires_at)
                    values (?, ?, ?, ?, ?, ?)""")
                    .params(UUID.randomUUID(), user.id(), email, Tokens.sha256(token), Db.ts(now), Db.ts(expires))
                    .update();
            audit.record(AuditEventType.EMAIL_CHANGE_REQUESTED, user.id(), null, client, domain(email));
            notifier.send(new EmailMessage(email, "email-change-confirm", Map.of(
                    "displayName", user.displayName(), "link", gatehouse.link("/settings/details/email/confirm/" + token),
                    "expiresAt", expires, "hours", LINK_VALIDITY.toHours(), "ip", client.ip(),
                    "browser", client.browser(), "when", now,
                    // The new address has no user yet: its times are written in the asking user's zone.
                    EmailMessage.TIME_ZONE, timeZone(user.id()).orElse(ZoneOffset.UTC)), expires));
            notifier.send(SecurityNotice.of(user, "email-change-requested", now, client,
                    Map.of("destination", masked(email), "expiresAt", expires)));
        });
        return new EmailChangeRequest.Sent(new PendingEmailChange(email, expires));
    }

    /** The user's change of email waiting for its link, if any. */
    public Optional<PendingEmailChange> pendingEmailChange(UUID userId) {
        return jdbc.sql("""
                select new_email, expires_at from email_changes
                where user_id = ? and ended_at is null and expires_at > ? order by created_at desc""")
                .params(userId, Db.ts(clock.instant()))
                .query((rs, n) -> new PendingEmailChange(rs.getString(1), Db.instant(rs, "expires_at")))
                .list().stream().findFirst();
    }

    /** Ends the user's pending change of email; false when there was none. */
    public boolean cancelEmailChange(User user, ClientInfo client) {
        Boolean cancelled = tx.execute(status -> {
            if (endPending(user.id(), clock.instant()) == 0) {
                return false;
            }
            audit.record(AuditEventType.EMAIL_CHANGE_CANCELLED, user.id(), client);
            return true;
        });
        return Boolean.TRUE.equals(cancelled);
    }

    /** The pending change this link stands for, when it is {@code userId}'s, unused and not expired. */
    public Optional<PendingEmailChange> findEmailChange(UUID userId, String token) {
        return link(userId, token).map(Link::pending);
    }

    public sealed interface EmailConfirmation {
        /** The email is now {@code user.email()}; the old address was told. */
        record Changed(User user, String oldEmail) implements EmailConfirmation { }
        /** Someone else signs in with that address now; the link is used up and nothing changed. */
        record Taken(String newEmail) implements EmailConfirmation { }
        /** Not this user's link, used, replaced, cancelled or expired. */
        record Invalid() implements EmailConfirmation { }
    }

    /**
     * Makes the link's address the user's email. The link is used once (one conditional UPDATE decides, on any node),
     * and only by the user who asked for it.
     */
    public EmailConfirmation confirmEmailChange(UUID userId, String token, ClientInfo client) {
        Instant now = clock.instant();
        try {
            return tx.execute(status -> {
                users.lockForChange(userId);
                Optional<Link> link = link(userId, token);
                if (link.isEmpty() || jdbc.sql("""
                        update email_changes set ended_at = ? where id = ? and ended_at is null and expires_at > ?""")
                        .params(Db.ts(now), link.get().id(), Db.ts(now)).update() != 1) {
                    return new EmailConfirmation.Invalid();
                }
                endPending(userId, now);
                User before = users.findById(userId).orElseThrow();
                String email = link.get().pending().newEmail();
                String normalized = Inputs.normalizeEmail(email);
                int changed = jdbc.sql("""
                        update users set email = :email, email_normalized = :normalized
                        where id = :id and not exists (select 1 from users where email_normalized = :normalized and id <> :id)""")
                        .paramSource(Map.of("email", email, "normalized", normalized, "id", userId)).update();
                if (changed != 1) {
                    return new EmailConfirmation.Taken(email);
                }
                User after = users.findById(userId).orElseThrow();
                audit.record(AuditEventType.EMAIL_CHANGED, userId, null, client, domain(email));
                events.publishEvent(new EmailChanged(userId, before.email(), email, client));
                // To the old address: it is the one an attacker who took over the session would want kept in the dark.
                notifier.send(SecurityNotice.of(before, "email-changed", now, client,
                        Map.of("destination", masked(email))));
                return new EmailConfirmation.Changed(after, before.email());
            });
        } catch (DataIntegrityViolationException raced) {
            // Another user took the address between the check and the update (two nodes at once): nothing changed.
            return new EmailConfirmation.Taken(link(userId, token).map(l -> l.pending().newEmail()).orElse(""));
        }
    }

    private record Link(UUID id, PendingEmailChange pending) {
    }

    private Optional<Link> link(UUID userId, String token) {
        if (token == null || token.isEmpty() || token.length() > 100) {
            return Optional.empty();
        }
        return jdbc.sql("""
                select id, new_email, expires_at from email_changes
                where token_hash = ? and user_id = ? and ended_at is null and expires_at > ?""")
                .params(Tokens.sha256(token), userId, Db.ts(clock.instant()))
                .query((rs, n) -> new Link(rs.getObject("id", UUID.class),
                        new PendingEmailChange(rs.getString("new_email"), Db.instant(rs, "expires_at"))))
                .optional();
    }

    private int endPending(UUID userId, Instant now) {
        return jdbc.sql("update email_changes set ended_at = ? where user_id = ? and ended_at is null and expires_at > ?")
                .params(Db.ts(now), userId, Db.ts(now)).update();
    }

    // --- phone --------------------------------------------------------------------------------------------------

    /** The phone number on file (E.164) and when a code sent to it was typed back (null: not proved). */
    public record Phone(String number, Instant verifiedAt) {
        public boolean verified() {
            return verifiedAt != null;
        }
    }

    public Optional<Phone> phone(UUID userId) {
        return jdbc.sql("select phone, phone_verified_at from users where id = ? and phone is not null").param(userId)
                .query((rs, n) -> new Phone(rs.getString("phone"), Db.instant(rs, "phone_verified_at"))).optional();
    }

    /**
     * Sets the phone number on file to {@code e164} (already checked by the caller with the text-message rules), or
     * removes it ({@code null}); {@code proved} when a code sent to it was just typed back. Audited. Joins the
     * caller's transaction if there is one.
     */
    public void setPhone(UUID userId, String e164, boolean proved, String country, ClientInfo client) {
        if (e164 != null && !E164.matcher(e164).matches()) {
            throw new IllegalArgumentException("not an E.164 number");
        }
        Instant now = clock.instant();
        tx.executeWithoutResult(status -> {
            jdbc.sql("update users set phone = ?, phone_verified_at = ? where id = ?")
                    .params(e164, proved ? Db.ts(now) : null, userId).update();
            audit.record(AuditEventType.PHONE_CHANGED, userId, null, client, e164 == null ? "removed"
                    : (country == null ? "" : country + ", ") + (proved ? "proved by a code" : "not proved"));
        });
    }

    /**
     * A text-message method was just proved to reach {@code e164} (set up, or moved there from {@code previous}): that
     * number becomes the phone on file, proved, when the user had none, had this one, or had the method's previous
     * number. A different number the user keeps on file is left alone. One statement, so no read-modify-write.
     */
    public void phoneProvedBySetup(UUID userId, String e164, String previous) {
        if (e164 == null || !E164.matcher(e164).matches()) {
            return;
        }
        jdbc.sql("""
                update users set phone = :phone, phone_verified_at = :now
                where id = :id and (phone is null or phone = :phone or phone = :previous)""")
                .paramSource(Map.of("phone", e164, "now", Db.ts(clock.instant()), "id", userId,
                        "previous", previous == null ? e164 : previous))
                .update();
    }

    /** {@code ada@example.com} → {@code a•••@example.com}, as the code methods show an address to a third party. */
    static String masked(String email) {
        int at = email.lastIndexOf('@');
        return at < 1 ? "•••" : email.charAt(0) + "•••" + email.substring(at);
    }

    private static String domain(String email) {
        return email.substring(email.lastIndexOf('@') + 1);
    }
}

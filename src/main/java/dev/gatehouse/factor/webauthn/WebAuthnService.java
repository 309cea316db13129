package dev.gatehouse.factor.webauthn;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.audit.AuditEvent;
import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.factor.BackupCodeService;
import dev.gatehouse.factor.FactorChanged;
import dev.gatehouse.factor.FactorType;
import dev.gatehouse.factor.IssuedBackupCodes;
import dev.gatehouse.factor.MethodRules;
import dev.gatehouse.factor.webauthn.WebAuthnCeremonies.AssertionOutcome;
import dev.gatehouse.factor.webauthn.WebAuthnCeremonies.RegistrationOutcome;
import dev.gatehouse.notify.Notifier;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.user.SecurityNotice;
import dev.gatehouse.user.User;
import dev.gatehouse.user.UserService;

/**
 * Web Authentication as a method of the user: several credentials, each also a {@code second_factors} row of type
 * {@link FactorType#WEBAUTHN}, so the core counts them as a method (sign-in asks for a second step, "last method" and
 * "required by the account" hold, removal through {@code FactorService.remove} takes the credential with it).
 *
 * <p>{@link WebAuthnCeremonies} computes; this class stores what it returns, audits and sends, each change in one
 * transaction. Every operation is for one user, named by the caller from the server-side session — never from what
 * the browser sent.
 */
@Service
public class WebAuthnService {

    /** Credentials one user may have; enough for every device of a household, small enough for a sign-in request. */
    public static final int MAX_CREDENTIALS = 20;

    private final WebAuthnCeremonies ceremonies;
    private final WebAuthnCredentials store;
    private final BackupCodeService backupCodes;
    private final AuditLog audit;
    private final Notifier notifier;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final ApplicationEventPublisher events;
    private final UserService users;
    private final Clock clock;
    private final MethodRules methodRules;

    WebAuthnService(WebAuthnCeremonies ceremonies, WebAuthnCredentials store, BackupCodeService backupCodes,
                    AuditLog audit, Notifier notifier, JdbcClient jdbc, TransactionTemplate tx,
                    ApplicationEventPublisher events, UserService users, Clock clock, MethodRules methodRules) {
        this.methodRules = methodRules;
        this.events = events;
        this.ceremonies = ceremonies;
        this.store = store;
        this.backupCodes = backupCodes;
        this.audit = audit;
        this.notifier = notifier;
        this.jdbc = jdbc;
        this.tx = tx;
        this.users = users;
        this.clock = clock;
    }

    /** The user's credentials, oldest first; empty when they have none. */
    public List<WebAuthnCredential> credentials(UUID userId) {
        return store.forUser(userId);
    }

    /** One of the user's credentials by its method id; empty when the user has no such credential. */
    public Optional<WebAuthnCredential> credential(UUID userId, UUID factorId) {
        return store.byFactor(userId, factorId);
    }

    // --- registration -------------------------------------------------------------------------------------------

    /**
     * Starts adding a credential; the result goes into the user's session. Empty when the user has
     * {@link #MAX_CREDENTIALS} already.
     */
    public Optional<PendingCeremony> startRegistration(User user) {
        List<WebAuthnCredential> existing = store.forUser(user.id());
        if (existing.size() >= MAX_CREDENTIALS) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return Optional.of(ceremonies.startRegistration(user.id(), account(user, now), existing, now));
    }

    public sealed interface Registration {
        /**
         * Stored, audited and announced. {@code firstBackupCodes}: the user's first set, when this was their first
         * method (to be shown once), else null.
         */
        record Registered(WebAuthnCredential credential, IssuedBackupCodes firstBackupCodes) implements Registration {
        }

        /** Nothing was stored. */
        record Refused(WebAuthnProblem problem) implements Registration {
        }
    }

    /**
     * Finishes adding a credential with the browser's answer. {@code pending} must have been taken out of the session
     * by the caller (so it answers once); one that is not this user's, not a registration or expired is refused.
     */
    public Registration finishRegistration(User user, PendingCeremony pending, CredentialName name, String responseJson,
                                           ClientInfo client) {
        Instant now = clock.instant();
        if (pending == null || !pending.usableFor(user.id(), PendingCeremony.Purpose.REGISTER, now)
                || !store.useChallenge(pending.challenge(), pending.expiresAt(), now)) {
            return new Registration.Refused(WebAuthnProblem.EXPIRED);
        }
        List<WebAuthnCredential> existing = store.forUser(user.id());
        RegistrationOutcome outcome = ceremonies.finishRegistration(pending, account(user, now), existing,
                responseJson);
        if (outcome instanceof RegistrationOutcome.Rejected rejected) {
            return new Registration.Refused(rejected.problem());
        }
        RegistrationOutcome.Registered registered = (RegistrationOutcome.Registered) outcome;
        try {
            return tx.execute(status -> {
                users.lockForChange(user.id());
                if (store.credentialIdTaken(registered.credentialId())) {
                    return new Registration.Refused(WebAuthnProblem.ALREADY_REGISTERED);
                }
                if (!methodRules.mayAdd(user.id(), WebAuthnSecondFactor.TYPE)) {
                    return new Registration.Refused(WebAuthnProblem.NOT_ALLOWED);
                }
                if (store.forUser(user.id()).size() >= MAX_CREDENTIALS) {
                    return new Registration.Refused(WebAuthnProblem.EXPIRED);
                }
                UUID factorId = store.insert(user.id(), name.value(), registered, now);
                audit.record(AuditEventType.FACTOR_ENABLED, user.id(), null, client,
                        AuditEvent.methodDetail(WebAuthnSecondFactor.TYPE.name(), name.value()));
                events.publishEvent(new FactorChanged(user.id(), WebAuthnSecondFactor.TYPE, client));
                notifier.send(SecurityNotice.of(user, "webauthn-added", now, client, Map.of(
                        "name", name.value(), "kind", registered.kind().displayName())));
                IssuedBackupCodes first = backupCodes.issueFirstSet(user, client).orElse(null);
                return new Registration.Registered(store.byFactor(user.id(), factorId).orElseThrow(), first);
            });
        } catch (DuplicateKeyException e) {
            // Two registrations of the same credential at once: the unique constraint let one through.
            return new Registration.Refused(WebAuthnProblem.ALREADY_REGISTERED);
        }
    }

    public sealed interface Rename {
        record Renamed(CredentialName name) implements Rename {
        }

        record NotFound() implements Rename {
        }
    }

    /** Renames one of the user's credentials (the id is only looked up among theirs). Audited; no email. */
    public Rename rename(User user, UUID factorId, CredentialName name, ClientInfo client) {
        return tx.execute(status -> {
            if (!store.rename(user.id(), factorId, name.value())) {
                return new Rename.NotFound();
            }
            audit.record(AuditEventType.WEBAUTHN_RENAMED, user.id(), null, client, WebAuthnSecondFactor.TYPE.name());
            return new Rename.Renamed(name);
        });
    }

    // --- assertion (sign-in, re-confirmation) --------------------------------------------------------------------

    /**
     * Starts proving one of the user's credentials for {@code purpose} (sign-in or re-confirmation); the result goes
     * into the session. Empty when the user has no credential.
     */
    public Optional<PendingCeremony> startAssertion(User user, PendingCeremony.Purpose purpose) {
        if (purpose == PendingCeremony.Purpose.REGISTER) {
            throw new IllegalArgumentException("an assertion is for SIGN_IN or CONFIRM");
        }
        List<WebAuthnCredential> existing = store.forUser(user.id());
        if (existing.isEmpty()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return Optional.of(ceremonies.startAssertion(user.id(), purpose, account(user, now), existing, now));
    }

    public sealed interface Assertion {
        /** The user proved a credential of theirs; its counter and last use are recorded. */
        record Verified(WebAuthnCredential credential) implements Assertion {
        }

        record Refused(WebAuthnProblem problem) implements Assertion {
        }
    }

    /**
     * Checks the browser's answer for this user (the one of the session's pending sign-in or of the signed-in
     * session). {@code pending} must have been taken out of the session by the caller. A failure is audited as
     * {@code SECOND_FACTOR_FAILED}; a counter that went backwards marks the credential as possibly copied, is audited
     * and emailed to the user, and is refused — in one transaction.
     */
    public Assertion finishAssertion(User user, PendingCeremony pending, PendingCeremony.Purpose purpose,
                                     String responseJson, ClientInfo client) {
        Instant now = clock.instant();
        if (pending == null || !pending.usableFor(user.id(), purpose, now)) {
            return refused(user, WebAuthnProblem.EXPIRED, "no ceremony waiting", client);
        }
        if (!store.useChallenge(pending.challenge(), pending.expiresAt(), now)) {
            return refused(user, WebAuthnProblem.EXPIRED, "challenge answered before", client);
        }
        AssertionOutcome outcome = ceremonies.finishAssertion(pending, account(user, now), store.forUser(user.id()),
                responseJson);
        if (outcome instanceof AssertionOutcome.Rejected rejected) {
            return refused(user, rejected.problem(), rejected.detail(), client);
        }
        WebAuthnCredential proved = outcome instanceof AssertionOutcome.Verified v ? v.credential()
                : ((AssertionOutcome.CounterWentBackwards) outcome).credential();
        if (proved.possiblyCloned()) {
            return refused(user, WebAuthnProblem.POSSIBLY_CLONED, "credential marked as possibly cloned", client);
        }
        if (outcome instanceof AssertionOutcome.CounterWentBackwards backwards) {
            return possiblyCloned(user, backwards.credential(), backwards.storedCount(), backwards.receivedCount(),
                    now, client);
        }
        AssertionOutcome.Verified verified = (AssertionOutcome.Verified) outcome;
        if (!store.recordUse(verified.credential(), verified.signatureCount(), now)) {
            // Another request recorded a counter at least as high in the meantime: the same counter twice.
            WebAuthnCredential current = store.byFactor(user.id(), verified.credential().factorId()).orElse(null);
            if (current == null || current.possiblyCloned()) {
                return refused(user, WebAuthnProblem.POSSIBLY_CLONED, "credential removed or marked", client);
            }
            return possiblyCloned(user, current, current.signatureCount(), verified.signatureCount(), now, client);
        }
        return new Assertion.Verified(store.byFactor(user.id(), verified.credential().factorId())
                .orElse(verified.credential()));
    }

    private Assertion possiblyCloned(User user, WebAuthnCredential credential, long stored, long received,
                                     Instant now, ClientInfo client) {
        tx.executeWithoutResult(status -> {
            if (store.markPossiblyCloned(credential)) {
                audit.record(AuditEventType.WEBAUTHN_POSSIBLY_CLONED, user.id(), null, client,
                        "WEBAUTHN signature counter " + received + " after " + stored);
                notifier.send(SecurityNotice.of(user, "webauthn-possibly-cloned", now, client,
                        Map.of("name", credential.name())));
            }
        });
        return new Assertion.Refused(WebAuthnProblem.COUNTER_WENT_BACKWARDS);
    }

    private Assertion refused(User user, WebAuthnProblem problem, String detail, ClientInfo client) {
        audit.record(AuditEventType.SECOND_FACTOR_FAILED, user.id(), null, client,
                WebAuthnSecondFactor.TYPE.name() + " " + problem.name() + ": " + detail);
        return new Assertion.Refused(problem);
    }

    private WebAuthnCeremonies.Account account(User user, Instant now) {
        return new WebAuthnCeremonies.Account(user.email(), user.displayName(), store.userHandle(user.id(), now));
    }
}

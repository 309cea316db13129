package dev.gatehouse.signin;

import java.io.Serializable;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.stereotype.Service;

import dev.gatehouse.account.DeviceTrustPeriod;
import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.factor.CodeCheck;
import dev.gatehouse.factor.CodePurpose;
import dev.gatehouse.factor.FactorService;
import dev.gatehouse.factor.FactorType;
import dev.gatehouse.factor.PendingStep;
import dev.gatehouse.factor.SecondFactorMethod;
import dev.gatehouse.factor.SecondFactors;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.user.User;
import dev.gatehouse.user.UserService;

/**
 * The sign-in state machine: password, then (when the user has a method and this browser is not trusted for them) a
 * second factor (the primary method, another one, or a backup code), then a signed-in session with a new id. Between
 * the two steps the session holds only a {@link PendingSignIn}; which user it is for is decided here, from the
 * session, never from the request.
 */
@Service
public class SignInService {

    /** Session attribute: what stood for the password in this pending sign-in, when it was not the password. */
    private static final String FIRST_STEP = "gatehouse.firstStep";

    /** Session attribute: the sign-in attempt for which {@link #noWayLeftShown} was recorded. */
    private static final String NO_WAY_LEFT_SHOWN = "gatehouse.noWayLeftShown";

    /**
     * Session attribute: an application asked for a new sign-in (OpenID Connect {@code prompt=login} or
     * {@code max_age}), so the next password step asks for the second factor even on a trusted device.
     */
    /** Session attribute: an application asked for a new sign-in; kept through the password step (Sessions). */
    static final String FRESH_SIGN_IN = "gatehouse.freshSignIn";

    /**
     * Session attribute: this session was signed in by a reset link and the second factor, and the new password is
     * still to be chosen ({@link #newPasswordDue}); it holds the sessions generation of that sign-in, so that the
     * password change lifts it wherever it is made (it raises the generation: a node of the version before, which
     * knows nothing of this attribute, finishing the reset during a rolling upgrade included).
     */
    private static final String NEW_PASSWORD_DUE = "gatehouse.newPasswordDue";

    /** Session attribute: the signed-in session a second step under way will upgrade ({@link #stepUp}). */
    private static final String STEP_UP = "gatehouse.stepUp";

    private final UserService users;
    private final FactorService factors;
    private final Sessions sessions;
    private final AuditLog audit;
    private final StepWindows windows;
    private final SecondFactors methods;
    private final TrustedDevices trustedDevices;
    private final KnownBrowsers browsers;
    private final DeviceCookies cookies;
    private final org.springframework.context.ApplicationEventPublisher events;
    private final SignInMetrics metrics;
    private final Clock clock;

    SignInService(UserService users, FactorService factors, Sessions sessions, AuditLog audit,
                  StepWindows windows, SecondFactors methods, TrustedDevices trustedDevices,
                  KnownBrowsers browsers, DeviceCookies cookies,
                  org.springframework.context.ApplicationEventPublisher events, SignInMetrics metrics, Clock clock) {
        this.metrics = metrics;
        this.users = users;
        this.factors = factors;
        this.methods = methods;
        this.trustedDevices = trustedDevices;
        this.browsers = browsers;
        this.cookies = cookies;
        this.sessions = sessions;
        this.audit = audit;
        this.windows = windows;
        this.events = events;
        this.clock = clock;
    }

    public sealed interface PasswordStep {
        record SignedIn(SignedInUser user) implements PasswordStep { }
        record SecondFactorRequired(PendingSignIn pending) implements PasswordStep { }
        /** Wrong email or password; the two are not told apart. */
        record Rejected() implements PasswordStep { }
        /** Too many wrong passwords for this address (known or not): nothing was checked. */
        record Paused(Instant until) implements PasswordStep { }
        /** Too many wrong passwords from this client's network, for any addresses: nothing was checked. */
        record NetworkPaused(Instant until) implements PasswordStep { }
    }

    /** Checks the password; on success either signs the session in or leaves it waiting for a second factor. */
    public PasswordStep password(String email, String password, BrowserSession browser) {
        boolean[] trustedDevice = new boolean[1];
        PasswordStep step = passwordStep(email, password, browser, trustedDevice);
        metrics.password(step, trustedDevice[0]);
        return step;
    }

    private PasswordStep passwordStep(String email, String password, BrowserSession browser, boolean[] trustedDevice) {
        ClientInfo client = browser.client();
        UserService.PasswordCheck check = users.authenticate(email, password, client,
                known -> browsers.passwordCounter(known, browser));
        if (check instanceof UserService.PasswordCheck.Paused paused) {
            return new PasswordStep.Paused(paused.until());
        }
        if (check instanceof UserService.PasswordCheck.NetworkPaused paused) {
            return new PasswordStep.NetworkPaused(paused.until());
        }
        if (check instanceof UserService.PasswordCheck.Rejected rejected) {
            // Recorded on the user's own log when the address is known, so they can see attempts on their account.
            audit.record(AuditEventType.SIGN_IN_FAILED, rejected.knownUserId(), null, client, "password");
            return new PasswordStep.Rejected();
        }
        User user = ((UserService.PasswordCheck.Accepted) check).user();
        if (factors.hasFactor(user.id())) {
            // A browser this user asked to remember skips the second step; its token is bound to this user only.
            // Not when an application asked for a new sign-in: then the factor is asked on every device.
            boolean fresh = browser.attribute(FRESH_SIGN_IN, Boolean.class).isPresent();
            if (!fresh && trustedDevices.recognise(user.id(), cookies.trustTokens(browser), client).isPresent()) {
                trustedDevice[0] = true;
                return new PasswordStep.SignedIn(signIn(user, null, browser, "password + trusted device",
                        List.of("pwd", SignedInUser.TRUSTED_DEVICE), true));
            }
            // The generation read with the password hash: sessions ended while the hash was being checked (a password
            // change) end this sign-in too.
            PendingSignIn pending = new PendingSignIn(user.id(), UUID.randomUUID(), clock.instant(), false,
                    user.sessionsGeneration());
            sessions.awaitSecondFactor(browser, pending);
            return new PasswordStep.SecondFactorRequired(pending);
        }
        return new PasswordStep.SignedIn(signIn(user, null, browser, "password", List.of("pwd"), true));
    }

    /**
     * A password reset link was opened by a user who has a second factor: the link proved their inbox, which stands
     * for the password here, and the session now waits for the second factor exactly as after a password (same
     * pages, same window, same lockout). Nothing is reset until they have passed it. The sign-in it ends in is
     * recorded as {@code email link + <method>}. {@code user} as read when the link is opened.
     */
    public PendingSignIn awaitSecondFactorForReset(User user, BrowserSession browser) {
        PendingSignIn pending = new PendingSignIn(user.id(), UUID.randomUUID(), clock.instant(), true,
                user.sessionsGeneration());
        sessions.awaitSecondFactor(browser, pending);
        browser.setAttribute(FIRST_STEP, "email link");
        return pending;
    }

    /**
     * After a password reset: every session of the user ends on every node, except this one when it is signed in
     * as them (it goes on under a new id).
     */
    public void afterPasswordReset(UUID userId, Optional<SignedInUser> signedIn, BrowserSession browser) {
        if (signedIn.filter(me -> me.userId().equals(userId)).isPresent()) {
            afterPasswordChange(signedIn.get(), browser);
            browser.removeAttribute(NEW_PASSWORD_DUE);
        } else {
            sessions.endAll(userId);
        }
    }

    /**
     * Whether this session was signed in by a reset link and the second factor, and its new password is still to be
     * chosen: until then it reaches only the new-password page (and signing in or out), and no application is granted
     * anything from it. The link stands for the password only to set a new one: before stop 36 such a session was a
     * whole sign-in, and a second tab could use the account without the password ever changing. A sign-in with the
     * password in this browser ends it, as does signing out.
     */
    public boolean newPasswordDue(BrowserSession browser) {
        Optional<Long> due = browser.attribute(NEW_PASSWORD_DUE, Long.class);
        return due.isPresent()
                && Sessions.principal(browser).filter(p -> p.sessionsGeneration() == due.get()).isPresent();
    }

    /** The sign-in of this session that waits for a second factor, if it is still within its window. */
    public Optional<PendingSignIn> pending(BrowserSession browser) {
        Optional<PendingSignIn> pending = browser.attribute(PendingSignIn.ATTRIBUTE, PendingSignIn.class);
        if (pending.isPresent() && !windows.open(pending.get())) {
            browser.removeAttribute(PendingSignIn.ATTRIBUTE);
            return Optional.empty();
        }
        return pending;
    }

    /**
     * The user of {@code pending}, loaded once by a step that may complete the sign-in, before anything is checked;
     * empty (and the pending sign-in ended) when their password changed after its password step (whoever knew the
     * old one stops here), or their sessions were all ended since (this one was, even if a request of it in flight
     * moved it to a new row meanwhile).
     */
    private Optional<User> stillValid(PendingSignIn pending, BrowserSession browser) {
        Optional<User> user = users.findById(pending.userId()).filter(u -> u.passwordChangedAt() == null
                || !u.passwordChangedAt().isAfter(pending.passwordAt()))
                .filter(u -> u.sessionsGeneration() == pending.sessionsGeneration());
        if (user.isEmpty()) {
            browser.removeAttribute(PendingSignIn.ATTRIBUTE);
        }
        return user;
    }

    /** The user of this session's pending sign-in, if it is still within its window and still valid. */
    public Optional<User> pendingUser(BrowserSession browser) {
        return pending(browser).flatMap(pending -> stillValid(pending, browser));
    }

    /**
     * The method {@code named} if it is one the user of this pending sign-in can answer with now (one of their methods,
     * or a stand-in such as backup codes with some left); without a name, their primary method.
     */
    public Optional<SecondFactorMethod> secondStepMethod(PendingSignIn pending, String named) {
        SecondStepChoices choices = choices(pending);
        Optional<FactorType> type = named == null || named.isEmpty() ? Optional.ofNullable(choices.primary())
                : choices.all().stream().filter(t -> t.name().equals(named)).findFirst();
        return type.flatMap(methods::find);
    }

    /** The method the user of this pending sign-in can answer with now on the page at {@code path}, if any. */
    public Optional<SecondFactorMethod> secondStepMethodAt(PendingSignIn pending, String path) {
        return choices(pending).all().stream().flatMap(t -> methods.find(t).stream())
                .filter(m -> path.equals(m.traits().signInPage())).findFirst();
    }

    /**
     * Starts (or shows) the second step with {@code method} for this session's pending sign-in: a method that sends
     * codes sends as {@code send} says; a security key gets a new ceremony, kept in
     * the session for the answer. Empty when no sign-in is pending or its user cannot use the method.
     */
    public Optional<SecondFactorMethod.Start> startSecondStep(SecondFactorMethod method, SecondFactorMethod.Send send,
                                                               BrowserSession browser) {
        Optional<PendingSignIn> pending = pending(browser);
        Optional<User> user = pending.flatMap(p -> stillValid(p, browser));
        if (user.isEmpty() || !offered(pending.get(), method)) {
            return Optional.empty();
        }
        SecondFactorMethod.Attempt attempt = new SecondFactorMethod.Attempt(user.get(), CodePurpose.SIGN_IN,
                pending.get().attemptId(), browser.client());
        SecondFactorMethod.Start start = method.startVerification(attempt, send);
        keep(start, method, CodePurpose.SIGN_IN, browser);
        return Optional.of(start);
    }

    /**
     * The second step: the user's answer to {@code method} (a typed code, or the browser's answer to the ceremony of
     * {@link #startSecondStep}, which is used up by it, right or wrong). The user is the one of this session's pending
     * sign-in, and no other. With {@code remember}, this browser is trusted for the user afterwards (when their
     * accounts allow it).
     */
    public SecondFactorStep secondFactor(SecondFactorMethod method, String answer, boolean remember,
                                         BrowserSession browser) {
        SecondFactorStep outcome = secondFactorStep(method, answer, remember, browser);
        metrics.secondFactor(method, outcome);
        return outcome;
    }

    private SecondFactorStep secondFactorStep(SecondFactorMethod method, String answer, boolean remember,
                                              BrowserSession browser) {
        PendingStep step = take(method, CodePurpose.SIGN_IN, browser);
        Optional<PendingSignIn> pending = pending(browser);
        Optional<User> found = pending.flatMap(p -> stillValid(p, browser));
        if (found.isEmpty()) {
            return new SecondFactorStep.NoPendingSignIn();
        }
        User user = found.get();
        if (!offered(pending.get(), method)) {
            return SecondFactorStep.refused(new CodeCheck.NoSuchMethod());
        }
        if (step != null && !step.usableFor(user.id(), method.type(), CodePurpose.SIGN_IN, clock.instant())) {
            step = null;
        }
        SecondFactorMethod.Finish finish = method.finishVerification(new SecondFactorMethod.Attempt(user,
                CodePurpose.SIGN_IN, pending.get().attemptId(), browser.client()), step, answer);
        if (finish instanceof SecondFactorMethod.Finish.Proved) {
            Optional<SignedInUser> upgraded = browser.takeAttribute(STEP_UP, SignedInUser.class)
                    .filter(before -> before.userId().equals(user.id()));
            if (upgraded.isPresent()) {
                return new SecondFactorStep.SignedIn(steppedUp(upgraded.get(), user, method, remember, browser));
            }
            String first = browser.takeAttribute(FIRST_STEP, String.class).orElse("password");
            boolean byLink = pending.get().emailLink();
            List<String> amr = SignedInUser.with(List.of(byLink ? "x-email-link" : "pwd"), method.traits().amr());
            // Nothing is remembered on the way to a new password: the password change forgets every trusted device
            // (the page offered it, and it was forgotten a minute later; noticed in stop 35's walk-through).
            SignedInUser signedIn = signInWithSecondFactor(user, first + " + " + method.auditName(), amr,
                    remember && !byLink, browser);
            if (byLink) {
                browser.setAttribute(NEW_PASSWORD_DUE, signedIn.sessionsGeneration());
            }
            return new SecondFactorStep.SignedIn(signedIn);
        }
        return SecondFactorStep.of(finish);
    }

    /**
     * A second step ({@link CodePurpose#SIGN_IN} or {@link CodePurpose#RECONFIRM}) when the browser brought no answer,
     * only the name of its device's error (or nothing, when script is off): the kept ceremony is used up all the
     * same, and nothing is counted.
     */
    public SecondFactorStep unanswered(SecondFactorMethod method, CodePurpose purpose, String error,
                                       BrowserSession browser) {
        take(method, purpose, browser);
        SecondFactorStep outcome = SecondFactorStep.of(method.unanswered(error));
        if (purpose == CodePurpose.SIGN_IN) {
            metrics.secondFactor(method, outcome);
        }
        return outcome;
    }

    /**
     * For how long "Remember this device" would remember this browser for the user of this pending sign-in; null when
     * their accounts allow no trusted device, or when it is a reset link's second step (the new password forgets every
     * trusted device). (The part of {@link #choices} a code page needs, without the rest.)
     */
    public DeviceTrustPeriod rememberPeriod(PendingSignIn pending) {
        if (pending.emailLink()) {
            return null; // a reset: the new password forgets every trusted device a minute later anyway
        }
        DeviceTrustPeriod period = trustedDevices.period(pending.userId());
        return period.allowsTrust() ? period : null;
    }

    /** What the second step can offer the user of this pending sign-in. */
    public SecondStepChoices choices(PendingSignIn pending) {
        UUID userId = pending.userId();
        // Every method, security keys too: a user with a security key is never "stuck".
        List<SecondFactorMethod> offered = methods.ordered(userId).stream().filter(m -> !excluded(pending, m))
                .toList();
        List<FactorType> own = offered.stream().map(SecondFactorMethod::type).toList();
        List<FactorType> codeless = offered.stream().filter(m -> !m.traits().answer().typed())
                .map(SecondFactorMethod::type).toList();
        List<SecondStepChoices.StandIn> standIns = methods.standIns(userId).stream()
                .filter(m -> m.traits().signInPage() != null)
                .map(m -> new SecondStepChoices.StandIn(m.type(), m.traits().signInPage(), m.remaining(userId).orElse(-1)))
                .toList();
        return new SecondStepChoices(own, standIns, rememberPeriod(pending), codeless);
    }

    /** A method that cannot be the second step of this sign-in: one by email after a reset link (the same inbox). */
    private static boolean excluded(PendingSignIn pending, SecondFactorMethod method) {
        return pending.emailLink() && method.deliveredByEmail();
    }

    /** Whether the user of this pending sign-in can answer with {@code method} now, as {@link #choices} offers it. */
    private static boolean offered(PendingSignIn pending, SecondFactorMethod method) {
        return !excluded(pending, method) && method.activeFor(pending.userId())
                && (method.traits().standalone() || method.traits().signInPage() != null);
    }

    /**
     * Records that the user of this pending sign-in was shown that no way of theirs is left (once per sign-in
     * attempt), so that an admin asked to reset their two-step verification can see they really were stuck.
     */
    public void noWayLeftShown(PendingSignIn pending, BrowserSession browser) {
        if (!browser.attribute(NO_WAY_LEFT_SHOWN, UUID.class).filter(pending.attemptId()::equals).isPresent()) {
            browser.setAttribute(NO_WAY_LEFT_SHOWN, pending.attemptId());
            audit.record(AuditEventType.NO_WAY_LEFT_SHOWN, pending.userId(), null, browser.client(),
                    "no backup code left, no other method");
        }
    }

    /** What to tell the user when code entry is locked or suspended for them right now; empty when codes may be typed. */
    public Optional<SecondFactorStep> codeEntryBlocked(UUID userId) {
        return factors.codeEntryBlocked(userId).map(SecondFactorStep::refused);
    }

    /** Signs in a user who just proved their address and chose a password (sign-up link, invitation). */
    public SignedInUser signInNewUser(User user, BrowserSession browser) {
        // The browser that proved the address is the user's first known browser: no "new sign-in" email for it.
        return signIn(user, null, browser, "new user", List.of("pwd"), false);
    }

    /** Ends every session of the user, this one included, on every node, and forgets every trusted device. */
    public void signOutEverywhere(SignedInUser user, BrowserSession browser) {
        ClientInfo client = browser.client();
        int ended = sessions.endAll(user.userId());
        audit.record(AuditEventType.SIGN_OUT_EVERYWHERE, user.userId(), null, client, ended + " sessions");
        trustedDevices.removeAll(user.userId(), client, "signed out everywhere");
        events.publishEvent(new SignedOutEverywhere(user.userId()));
    }

    // --- Signing in again when an application asks for it (OpenID Connect) -------------------------------------

    /**
     * The session's user after they renamed themselves or confirmed a new sign-in address: the top bar, and the claims
     * of the next tokens an application gets from this session, say so at once rather than at the next sign-in.
     */
    public void detailsChanged(BrowserSession browser, SignedInUser user, String email, String displayName) {
        sessions.update(browser, user.withDetails(email, displayName));
    }

    /**
     * An application asked for a new sign-in ({@code prompt=login}, or a {@code max_age} this session is older than):
     * the session is signed out (it stays, with what it holds), and the sign-in that follows asks for the password and,
     * for a user with a method, the second factor even on a trusted device.
     */
    public void requireFreshSignIn(BrowserSession browser) {
        sessions.signOutForNewSignIn(browser);
        browser.setAttribute(FRESH_SIGN_IN, Boolean.TRUE);
    }

    /**
     * An application asked for a second factor proved now, which this session has not: the session waits for the
     * second step of its own user (the usual pages, window and lockout; no trusted device spares it), and is signed out
     * meanwhile. Proved, it goes on as the same sign-in (same password time) with the factor added to its
     * {@link SignedInUser#amr}. Empty, and nothing changed, when the user has no method to prove.
     */
    public Optional<PendingSignIn> stepUp(SignedInUser user, BrowserSession browser) {
        if (!factors.hasFactor(user.userId())) {
            return Optional.empty();
        }
        PendingSignIn pending = new PendingSignIn(user.userId(), UUID.randomUUID(), clock.instant(), false,
                user.sessionsGeneration());
        sessions.awaitSecondFactor(browser, pending);
        browser.setAttribute(STEP_UP, user);
        return Optional.of(pending);
    }

    /**
     * {@code user} is the user as {@link #stillValid} read them before the code was checked: remembering the browser
     * compares it with the user's row under lock, so a sign-out everywhere or a password change that landed meanwhile
     * remembers nothing (a fresh read here compared the row with itself: found by an outside attack in stop 31).
     */
    private SignedInUser steppedUp(SignedInUser before, User user, SecondFactorMethod method, boolean remember,
                                   BrowserSession browser) {
        SignedInUser after = sessions.signIn(browser, before.withSecondFactor(clock.instant(), method.traits().amr()));
        audit.record(AuditEventType.REAUTHENTICATED, after.userId(), null, browser.client(),
                "step-up + " + method.auditName());
        if (remember) {
            trustedDevices.trust(user, browser.client()).ifPresent(token -> cookies.addTrustToken(browser, token));
        }
        return after;
    }

    /** The user's signed-in sessions, as this browser sees them (its own first, marked). */
    public List<SignedInSession> sessions(SignedInUser user, BrowserSession browser) {
        return sessions.list(user.userId(), browser);
    }

    /**
     * Signs out one other session of the user, named by the handle the sessions list gave it; audited. The handle is
     * looked up among this user's own sessions only: another user's handle, this browser's own, or a made-up one ends
     * nothing and answers false. Its trusted device, if it has one, stays trusted (it is listed beside, to remove).
     */
    public boolean signOutSession(SignedInUser user, String handle, BrowserSession browser) {
        Optional<SignedInSession> ended = sessions.endOther(user.userId(), handle, browser);
        ended.ifPresent(s -> audit.record(AuditEventType.SESSION_SIGNED_OUT, user.userId(), null, browser.client(),
                (s.browser().isEmpty() ? "browser not recorded" : s.browser())
                        + (s.network().known() ? " from " + s.network().prefix() : "")));
        return ended.isPresent();
    }

    /**
     * Ends one signed-in session of {@code userId} for someone else: an account's administrator through the API
     * ({@code by} names them, {@code accountId} the account they act for). The session is named by its
     * {@link SignedInSession#reference()}, looked up among this user's sessions only. Audited on the user and the
     * account; returns whether a session ended.
     */
    public boolean endSessionOf(UUID userId, String reference, UUID accountId, String by, ClientInfo client) {
        Optional<SignedInSession> ended = sessions.endByReference(userId, reference);
        ended.ifPresent(s -> audit.record(AuditEventType.SESSION_SIGNED_OUT, userId, accountId, client,
                (s.browser().isEmpty() ? "browser not recorded" : s.browser())
                        + (s.network().known() ? " from " + s.network().prefix() : "") + " by " + by));
        return ended.isPresent();
    }

    /**
     * After a password change: other sessions end and this one continues under a new id. (Trusted devices were
     * already forgotten inside the change's transaction: {@link TrustedDevices#passwordChanged}.)
     */
    public void afterPasswordChange(SignedInUser user, BrowserSession browser) {
        sessions.update(browser, sessions.endAllBut(browser, user));
    }

    // --- Re-confirmation ("sudo") before security changes -------------------------------------------------------

    /** What a security change needs from this session before it may go ahead. */
    public enum Reconfirm { NOTHING, PASSWORD, PASSWORD_AND_CODE }

    public Reconfirm reconfirmationNeeded(SignedInUser user, BrowserSession browser) {
        if (browser.attribute(Reconfirmation.ATTRIBUTE, Reconfirmation.class)
                .filter(done -> windows.stillConfirmed(done, user.userId())).isPresent()) {
            return Reconfirm.NOTHING;
        }
        return codeNeeded(user) ? Reconfirm.PASSWORD_AND_CODE : Reconfirm.PASSWORD;
    }

    public sealed interface ReconfirmStep {
        record Confirmed() implements ReconfirmStep { }
        record WrongPassword() implements ReconfirmStep { }
        record PasswordPaused(Instant until) implements ReconfirmStep { }
        record CodeProblem(SecondFactorStep step) implements ReconfirmStep { }
    }

    /** Session attribute: the re-confirmation in progress (its method, and the attempt its codes are bound to). */
    static final String RECONFIRM = "gatehouse.reconfirm";

    /** The method and attempt of a re-confirmation in progress. */
    record ReconfirmAttempt(UUID userId, UUID attemptId, FactorType type) implements Serializable {
    }

    /**
     * The method re-confirmation asks for: {@code named} if it is one of the user's methods, else the one chosen
     * earlier in this re-confirmation, else the primary. {@code device} says whether a method answered by a device (a
     * security key) may be chosen by default; the page offers one first and "Use a code instead" asks for a code.
     * Remembered in the session with the attempt its codes are bound to. Empty when the user has no such method.
     */
    public Optional<SecondFactorMethod> reconfirmMethod(SignedInUser user, String named, boolean device,
                                                        BrowserSession browser) {
        List<SecondFactorMethod> own = methods.ordered(user.userId());
        Optional<SecondFactorMethod> choice = own.stream()
                .filter(m -> m.type().name().equals(named) && (device || m.traits().answer().typed())).findFirst()
                .or(() -> reconfirmAttempt(user, browser).flatMap(a -> own.stream()
                        .filter(m -> m.type().equals(a.type()) && (device || m.traits().answer().typed()))
                        .findFirst()))
                .or(() -> own.stream().filter(m -> device || m.traits().answer().typed()).findFirst());
        choice.ifPresent(method -> {
            UUID attempt = reconfirmAttempt(user, browser).map(ReconfirmAttempt::attemptId)
                    .orElseGet(UUID::randomUUID);
            browser.setAttribute(RECONFIRM, new ReconfirmAttempt(user.userId(), attempt, method.type()));
        });
        return choice;
    }

    /**
     * The user's first method answered by a device (a security key): the page offers it before any code. It is kept
     * apart from the code method this re-confirmation asks for, so offering it never changes which code is checked.
     * Empty when they have none.
     */
    public Optional<SecondFactorMethod> reconfirmDevice(SignedInUser user, BrowserSession browser) {
        return methods.ordered(user.userId()).stream().filter(m -> !m.traits().answer().typed()).findFirst();
    }

    /**
     * Starts (or shows) the re-confirmation's second factor with {@code method} (see {@link #startSecondStep}): a
     * code method must be the one {@link #reconfirmMethod} chose; empty when it is not, or the user cannot use it.
     */
    public Optional<SecondFactorMethod.Start> startReconfirm(SignedInUser user, SecondFactorMethod method,
                                                             SecondFactorMethod.Send send,
                                                             BrowserSession browser) {
        Optional<ReconfirmAttempt> attempt = reconfirmAttempt(user, browser);
        boolean typed = method.traits().answer().typed();
        Optional<User> found = users.findById(user.userId());
        if (typed && attempt.filter(a -> a.type().equals(method.type())).isEmpty() || found.isEmpty()
                || !method.activeFor(user.userId())) {
            return Optional.empty();
        }
        UUID attemptId = attempt.map(ReconfirmAttempt::attemptId).orElseGet(UUID::randomUUID);
        SecondFactorMethod.Start start = method.startVerification(new SecondFactorMethod.Attempt(found.get(),
                CodePurpose.RECONFIRM, attemptId, browser.client()), send);
        keep(start, method, CodePurpose.RECONFIRM, browser);
        return Optional.of(start);
    }

    /**
     * Re-confirms with the password and, when {@link #reconfirmationNeeded} says so, the answer to {@code method}: the
     * code method this re-confirmation asks for ({@link #reconfirmMethod}; none when the user has no code method), or
     * a device method ({@link #reconfirmDevice}), whose answer is always checked. A backup code typed on the code form
     * is claimed by its stand-in and used up. A proved second factor renews the session's proof of one (and rotates
     * its id).
     */
    public ReconfirmStep reconfirm(SignedInUser user, String password, Optional<SecondFactorMethod> method,
                                   String answer, BrowserSession browser) {
        Instant now = clock.instant();
        ClientInfo client = browser.client();
        boolean device = method.filter(m -> !m.traits().answer().typed()).isPresent();
        // A ceremony is answered once, right or wrong: taken out of the session before anything is checked.
        PendingStep step = method.map(m -> take(m, CodePurpose.RECONFIRM, browser))
                .filter(p -> p.usableFor(user.userId(), p.type(), CodePurpose.RECONFIRM, now)).orElse(null);
        UserService.PasswordCheck passwordCheck = reconfirmPassword(user, password, client);
        if (passwordCheck instanceof UserService.PasswordCheck.Paused paused) {
            return new ReconfirmStep.PasswordPaused(paused.until());
        }
        if (!(passwordCheck instanceof UserService.PasswordCheck.Accepted)) {
            return new ReconfirmStep.WrongPassword();
        }
        SignedInUser confirmed = user;
        SecondFactorMethod provedBy = null;
        if (device || codeNeeded(user)) {
            // On the code form, what was typed may say which method it is for (a backup code's 14 letters and digits).
            Optional<SecondFactorMethod> claimed = device ? Optional.empty() : methods.standIns(user.userId()).stream()
                    .filter(m -> m.claims(answer)).findFirst();
            Optional<SecondFactorMethod> used = claimed.or(() -> method);
            if (used.isEmpty()) {
                return new ReconfirmStep.CodeProblem(new SecondFactorStep.WrongCode(0));
            }
            User current = users.findById(user.userId()).orElseThrow();
            UUID attemptId = reconfirmAttempt(user, browser).map(ReconfirmAttempt::attemptId)
                    .orElseGet(UUID::randomUUID);
            SecondFactorMethod.Finish finish = used.get().finishVerification(new SecondFactorMethod.Attempt(current,
                    CodePurpose.RECONFIRM, attemptId, client), claimed.isPresent() ? null : step, answer);
            if (!(finish instanceof SecondFactorMethod.Finish.Proved)) {
                return new ReconfirmStep.CodeProblem(SecondFactorStep.of(finish));
            }
            provedBy = used.get();
            confirmed = user.withSecondFactor(now, provedBy.traits().amr());
            sessions.update(browser, confirmed);
        }
        if (confirmed == user) {
            // Password only: nothing above re-issued the session, yet it now holds more power (issue 11.5).
            sessions.rotate(browser);
        }
        browser.removeAttribute(RECONFIRM);
        browser.setAttribute(Reconfirmation.ATTRIBUTE, new Reconfirmation(user.userId(), now));
        // A device's proof is named in the log, as a sign-in's is; a typed code is not.
        audit.record(AuditEventType.REAUTHENTICATED, user.userId(), null, client,
                provedBy == null || provedBy.traits().answer().typed() ? null : provedBy.type().name());
        return new ReconfirmStep.Confirmed();
    }

    /**
     * Whether the user could re-confirm by typing a code instead of using a device: a method answered with a code, or
     * a stand-in (backup codes) with uses left.
     */
    public boolean typedAlternative(SignedInUser user) {
        return methods.ordered(user.userId()).stream().anyMatch(m -> m.traits().answer().typed())
                || !methods.standIns(user.userId()).isEmpty();
    }

    private static Optional<ReconfirmAttempt> reconfirmAttempt(SignedInUser user, BrowserSession browser) {
        return browser.attribute(RECONFIRM, ReconfirmAttempt.class).filter(a -> a.userId().equals(user.userId()));
    }

    /** Keeps what a start left to finish (a ceremony) in the session, one per method and purpose. */
    private static void keep(SecondFactorMethod.Start start, SecondFactorMethod method, CodePurpose purpose,
                             BrowserSession browser) {
        if (start instanceof SecondFactorMethod.Start.Ready ready && ready.pending() != null) {
            browser.setAttribute(PendingStep.attribute(method.type(), purpose), ready.pending());
        }
    }

    /** Takes a kept step out of the session (it is used once), if it is still usable for this method and purpose. */
    private PendingStep take(SecondFactorMethod method, CodePurpose purpose, BrowserSession browser) {
        return browser.takeAttribute(PendingStep.attribute(method.type(), purpose), PendingStep.class)
                .filter(step -> step.type().equals(method.type()) && step.purpose() == purpose
                        && clock.instant().isBefore(step.expiresAt()))
                .orElse(null);
    }

    /** The password part of a re-confirmation; a wrong one is audited. */
    UserService.PasswordCheck reconfirmPassword(SignedInUser user, String password, ClientInfo client) {
        UserService.PasswordCheck check = users.verifyPassword(user.userId(), password, client);
        if (check instanceof UserService.PasswordCheck.Rejected) {
            audit.record(AuditEventType.RECONFIRM_PASSWORD_WRONG, user.userId(), null, client, null);
        }
        return check;
    }

    /**
     * Records in the session that a second factor was just proved with {@code method} (e.g. by the first code of a new
     * method), and so that the session's sign-in has used it ({@link SignedInUser#amr}).
     */
    public void secondFactorProved(SignedInUser user, SecondFactorMethod method, BrowserSession browser) {
        sessions.update(browser, user.withSecondFactor(clock.instant(), method.traits().amr()));
    }

    private boolean codeNeeded(SignedInUser user) {
        return !windows.secondFactorRecent(user) && factors.hasFactor(user.userId());
    }


    /** Signs in after a second factor was proved. */
    private SignedInUser signInWithSecondFactor(User user, String via, List<String> amr, boolean remember,
                                                BrowserSession browser) {
        SignedInUser signedIn = signIn(user, clock.instant(), browser, via, amr, true);
        if (remember) {
            trustedDevices.trust(user, browser.client())
                    .ifPresent(token -> cookies.addTrustToken(browser, token));
        }
        return signedIn;
    }

    /**
     * Signs the session in and records how; {@code announceNewBrowser} emails the user when this browser is new to
     * them (every sign-in but the one that completes a sign-up or an invitation).
     */
    private SignedInUser signIn(User user, Instant secondFactorAt, BrowserSession browser, String via,
                                List<String> amr, boolean announceNewBrowser) {
        SignedInUser principal = sessions.signIn(browser, new SignedInUser(user.id(), user.email(), user.displayName(),
                clock.instant(), secondFactorAt, amr, user.sessionsGeneration()));
        browser.removeAttribute(FRESH_SIGN_IN);
        browser.removeAttribute(NEW_PASSWORD_DUE); // a new sign-in: set again by a reset link's, after this
        audit.record(AuditEventType.SIGN_IN, user.id(), null, browser.client(), via);
        browsers.signedIn(user, announceNewBrowser, browser);
        return principal;
    }
}

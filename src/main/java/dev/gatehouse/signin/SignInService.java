package dev.gatehouse.signin;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.stereotype.Service;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.account.DeviceTrustPeriod;
import dev.gatehouse.factor.BackupCodeService;
import dev.gatehouse.factor.BackupCodeUse;
import dev.gatehouse.factor.CodeCheck;
import dev.gatehouse.factor.FactorService;
import dev.gatehouse.factor.FactorType;
import dev.gatehouse.factor.SignInMethods;
import dev.gatehouse.factor.backupcode.BackupCodes;
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

    /** Session attribute: the sign-in attempt for which {@link #noWayLeftShown} was recorded. */
    private static final String NO_WAY_LEFT_SHOWN = "gatehouse.noWayLeftShown";

    private final UserService users;
    private final FactorService factors;
    private final Sessions sessions;
    private final AuditLog audit;
    private final SignInProperties properties;
    private final BackupCodeService backupCodes;
    private final SignInMethods methods;
    private final TrustedDevices trustedDevices;
    private final KnownBrowsers browsers;
    private final DeviceCookies cookies;
    private final SentCodeSignIn sentCodes;
    private final Clock clock;

    SignInService(UserService users, FactorService factors, Sessions sessions, AuditLog audit,
                  SignInProperties properties, BackupCodeService backupCodes, SignInMethods methods,
                  TrustedDevices trustedDevices, KnownBrowsers browsers, DeviceCookies cookies,
                  SentCodeSignIn sentCodes, Clock clock) {
        this.users = users;
        this.factors = factors;
        this.backupCodes = backupCodes;
        this.methods = methods;
        this.trustedDevices = trustedDevices;
        this.browsers = browsers;
        this.cookies = cookies;
        this.sentCodes = sentCodes;
        this.sessions = sessions;
        this.audit = audit;
        this.properties = properties;
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
    public PasswordStep password(String email, String password, HttpServletRequest request,
                                 HttpServletResponse response) {
        ClientInfo client = ClientInfo.of(request);
        UserService.PasswordCheck check = users.authenticate(email, password, client,
                known -> browsers.passwordCounter(known, request));
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
            if (trustedDevices.recognise(user.id(), cookies.trustTokens(request), client).isPresent()) {
                return new PasswordStep.SignedIn(signIn(user, null, request, response, "password + trusted device",
                        true));
            }
            PendingSignIn pending = new PendingSignIn(user.id(), UUID.randomUUID(), clock.instant());
            sessions.awaitSecondFactor(request, pending);
            return new PasswordStep.SecondFactorRequired(pending);
        }
        return new PasswordStep.SignedIn(signIn(user, null, request, response, "password", true));
    }

    /** The sign-in of this session that waits for a second factor, if it is still within its window. */
    public Optional<PendingSignIn> pending(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session == null || !(session.getAttribute(PendingSignIn.ATTRIBUTE) instanceof PendingSignIn pending)) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(pending.passwordAt().plus(properties.secondFactorWindow()))) {
            session.removeAttribute(PendingSignIn.ATTRIBUTE);
            return Optional.empty();
        }
        return Optional.of(pending);
    }

    /**
     * The user of {@code pending}, loaded once by a step that may complete the sign-in, before anything is checked;
     * empty (and the pending sign-in ended) when their password changed after its password step: whoever knew the
     * old one stops here.
     */
    private Optional<User> stillValid(PendingSignIn pending, HttpServletRequest request) {
        Optional<User> user = users.findById(pending.userId()).filter(u -> u.passwordChangedAt() == null
                || !u.passwordChangedAt().isAfter(pending.passwordAt()));
        if (user.isEmpty()) {
            request.getSession().removeAttribute(PendingSignIn.ATTRIBUTE);
        }
        return user;
    }

    /** The user of this session's pending sign-in, if it is still within its window and still valid. */
    public Optional<User> pendingUser(HttpServletRequest request) {
        return pending(request).flatMap(pending -> stillValid(pending, request));
    }

    /** The second step with a typed code. The user is the one of this session's pending sign-in, and no other. */
    public SecondFactorStep secondFactor(FactorType type, String code, HttpServletRequest request,
                                         HttpServletResponse response) {
        return secondFactor(type, code, false, request, response);
    }

    /**
     * The second step with a typed code of the user's method {@code type}; with {@code remember}, this browser is
     * trusted for the user afterwards (when their accounts allow it).
     */
    public SecondFactorStep secondFactor(FactorType type, String code, boolean remember, HttpServletRequest request,
                                         HttpServletResponse response) {
        Optional<PendingSignIn> pending = pending(request);
        Optional<User> found = pending.flatMap(p -> stillValid(p, request));
        if (found.isEmpty()) {
            return new SecondFactorStep.NoPendingSignIn();
        }
        User user = found.get();
        // A sent code (email, SMS) is checked against this sign-in attempt's challenge; an app code by the core.
        CodeCheck check = sentCodes.sendsCodes(type)
                ? sentCodes.verify(pending.get(), type, code, ClientInfo.of(request))
                : factors.checkCode(user.id(), type, code, ClientInfo.of(request));
        if (check instanceof CodeCheck.Accepted) {
            return new SecondFactorStep.SignedIn(signInWithSecondFactor(user, "password + " + type.name(), remember,
                    request, response));
        }
        return SecondFactorStep.refused(check);
    }

    /** The second step with a backup code, which is used up by it. Counts towards the same lockout as other codes. */
    public SecondFactorStep backupCode(String code, boolean remember, HttpServletRequest request,
                                       HttpServletResponse response) {
        Optional<User> found = pendingUser(request);
        if (found.isEmpty()) {
            return new SecondFactorStep.NoPendingSignIn();
        }
        User user = found.get();
        BackupCodeUse use = backupCodes.use(user, code, ClientInfo.of(request));
        if (use instanceof BackupCodeUse.Refused refused) {
            return SecondFactorStep.refused(refused.why());
        }
        return new SecondFactorStep.SignedIn(signInWithSecondFactor(user, "password + backup code", remember,
                request, response));
    }

    /** What the second step can offer the user of this pending sign-in. */
    public SecondStepChoices choices(PendingSignIn pending) {
        UUID userId = pending.userId();
        // Every method, WebAuthn too (its page is /signin/webauthn): a user with a security key is never "stuck".
        List<FactorType> all = methods.ordered(userId);
        DeviceTrustPeriod period = trustedDevices.period(userId);
        return new SecondStepChoices(all, backupCodes.remaining(userId), period.allowsTrust() ? period : null);
    }

    /**
     * Records that the user of this pending sign-in was shown that no way of theirs is left (once per sign-in
     * attempt), so that an admin asked to reset their two-step verification can see they really were stuck.
     */
    public void noWayLeftShown(PendingSignIn pending, HttpServletRequest request) {
        HttpSession session = request.getSession();
        if (!pending.attemptId().equals(session.getAttribute(NO_WAY_LEFT_SHOWN))) {
            session.setAttribute(NO_WAY_LEFT_SHOWN, pending.attemptId());
            audit.record(AuditEventType.NO_WAY_LEFT_SHOWN, pending.userId(), null, ClientInfo.of(request),
                    "no backup code left, no other method");
        }
    }

    /** What to tell the user when code entry is locked or suspended for them right now; empty when codes may be typed. */
    public Optional<SecondFactorStep> codeEntryBlocked(UUID userId) {
        return factors.codeEntryBlocked(userId).map(SecondFactorStep::refused);
    }

    /** Signs in a user who just proved their address and chose a password (sign-up link, invitation). */
    public SignedInUser signInNewUser(User user, HttpServletRequest request, HttpServletResponse response) {
        // The browser that proved the address is the user's first known browser: no "new sign-in" email for it.
        return signIn(user, null, request, response, "new user", false);
    }

    /** Ends every session of the user, this one included, on every node, and forgets every trusted device. */
    public void signOutEverywhere(SignedInUser user, HttpServletRequest request) {
        ClientInfo client = ClientInfo.of(request);
        int ended = sessions.endAll(user.userId(), null);
        audit.record(AuditEventType.SIGN_OUT_EVERYWHERE, user.userId(), null, client, ended + " sessions");
        trustedDevices.removeAll(user.userId(), client, "signed out everywhere");
    }

    /**
     * After a password change: other sessions end and this one continues under a new id. (Trusted devices were
     * already forgotten inside the change's transaction: {@link TrustedDevices#passwordChanged}.)
     */
    public void afterPasswordChange(SignedInUser user, HttpServletRequest request, HttpServletResponse response) {
        sessions.endAll(user.userId(), request.getSession().getId());
        sessions.update(request, response, user);
    }

    // --- Re-confirmation ("sudo") before security changes -------------------------------------------------------

    /** What a security change needs from this session before it may go ahead. */
    public enum Reconfirm { NOTHING, PASSWORD, PASSWORD_AND_CODE }

    public Reconfirm reconfirmationNeeded(SignedInUser user, HttpServletRequest request) {
        Instant now = clock.instant();
        HttpSession session = request.getSession(false);
        if (session != null && session.getAttribute(Reconfirmation.ATTRIBUTE) instanceof Reconfirmation done
                && done.userId().equals(user.userId()) && now.isBefore(done.at().plus(properties.reconfirmation()))) {
            return Reconfirm.NOTHING;
        }
        return codeNeeded(user, now) ? Reconfirm.PASSWORD_AND_CODE : Reconfirm.PASSWORD;
    }

    public sealed interface ReconfirmStep {
        record Confirmed() implements ReconfirmStep { }
        record WrongPassword() implements ReconfirmStep { }
        record PasswordPaused(Instant until) implements ReconfirmStep { }
        record CodeProblem(SecondFactorStep step) implements ReconfirmStep { }
    }

    /**
     * Re-confirms with the password and, when {@link #reconfirmationNeeded} says so, a code from the user's code
     * method or one of their backup codes (which is then used up). A right code also renews the session's proof of a
     * second factor (and so rotates its id).
     */
    public ReconfirmStep reconfirm(SignedInUser user, String password, String code, HttpServletRequest request,
                                   HttpServletResponse response) {
        Instant now = clock.instant();
        UserService.PasswordCheck passwordCheck = reconfirmPassword(user, password, ClientInfo.of(request));
        if (passwordCheck instanceof UserService.PasswordCheck.Paused paused) {
            return new ReconfirmStep.PasswordPaused(paused.until());
        }
        if (!(passwordCheck instanceof UserService.PasswordCheck.Accepted)) {
            return new ReconfirmStep.WrongPassword();
        }
        SignedInUser confirmed = user;
        if (codeNeeded(user, now)) {
            // The method the confirm page asked for (the primary code method unless the user chose another).
            Optional<FactorType> codeMethod = sentCodes.reconfirmType(user, request);
            // A backup code has 14 letters and digits, an app code 6 digits: what was typed says which it is.
            if (BackupCodes.normalize(code).isPresent() && backupCodes.remaining(user.userId()) > 0) {
                BackupCodeUse use = backupCodes.use(users.findById(user.userId()).orElseThrow(), code,
                        ClientInfo.of(request));
                if (use instanceof BackupCodeUse.Refused refused) {
                    return new ReconfirmStep.CodeProblem(SecondFactorStep.refused(refused.why()));
                }
                confirmed = user.withSecondFactorAt(now);
                sessions.update(request, response, confirmed);
            } else if (codeMethod.isPresent()) {
                CodeCheck check = sentCodes.sendsCodes(codeMethod.get())
                        ? sentCodes.verifyReconfirm(user, codeMethod.get(), code, request)
                        : factors.checkCode(user.userId(), codeMethod.get(), code, ClientInfo.of(request));
                if (!(check instanceof CodeCheck.Accepted)) {
                    return new ReconfirmStep.CodeProblem(SecondFactorStep.refused(check));
                }
                confirmed = user.withSecondFactorAt(now);
                sessions.update(request, response, confirmed);
            } else {
                // No code method (only security keys) and no backup code typed: the key must be used instead
                // (WebAuthnSignIn.reconfirm); the password alone is not enough.
                return new ReconfirmStep.CodeProblem(new SecondFactorStep.WrongCode(0));
            }
        }
        if (confirmed == user) {
            // Password only: nothing above re-issued the session, yet it now holds more power (issue 11.5).
            sessions.rotate(request);
        }
        sentCodes.reconfirmed(request);
        request.getSession().setAttribute(Reconfirmation.ATTRIBUTE, new Reconfirmation(user.userId(), now));
        audit.record(AuditEventType.REAUTHENTICATED, user.userId(), null, ClientInfo.of(request), null);
        return new ReconfirmStep.Confirmed();
    }

    /** The password part of a re-confirmation (with a code or a security key); a wrong one is audited. */
    UserService.PasswordCheck reconfirmPassword(SignedInUser user, String password, ClientInfo client) {
        UserService.PasswordCheck check = users.verifyPassword(user.userId(), password, client);
        if (check instanceof UserService.PasswordCheck.Rejected) {
            audit.record(AuditEventType.SIGN_IN_FAILED, user.userId(), null, client, "re-confirmation");
        }
        return check;
    }

    /** Records in the session that a second factor was just proved (e.g. by the first code of a new method). */
    public void secondFactorProved(SignedInUser user, HttpServletRequest request, HttpServletResponse response) {
        sessions.update(request, response, user.withSecondFactorAt(clock.instant()));
    }

    private boolean codeNeeded(SignedInUser user, Instant now) {
        boolean recent = user.secondFactorAt() != null
                && now.isBefore(user.secondFactorAt().plus(properties.reconfirmation()));
        return !recent && factors.hasFactor(user.userId());
    }


    /** Signs in after a second factor was proved (a code here; a security key in {@link WebAuthnSignIn}). */
    SignedInUser signInWithSecondFactor(User user, String via, boolean remember, HttpServletRequest request,
                                        HttpServletResponse response) {
        SignedInUser signedIn = signIn(user, clock.instant(), request, response, via, true);
        if (remember) {
            trustedDevices.trust(user, ClientInfo.of(request))
                    .ifPresent(token -> cookies.addTrustToken(request, response, token));
        }
        return signedIn;
    }

    /**
     * Signs the session in and records how; {@code announceNewBrowser} emails the user when this browser is new to
     * them (every sign-in but the one that completes a sign-up or an invitation).
     */
    private SignedInUser signIn(User user, Instant secondFactorAt, HttpServletRequest request,
                                HttpServletResponse response, String via, boolean announceNewBrowser) {
        SignedInUser principal = new SignedInUser(user.id(), user.email(), user.displayName(), clock.instant(),
                secondFactorAt);
        sessions.signIn(request, response, principal);
        audit.record(AuditEventType.SIGN_IN, user.id(), null, ClientInfo.of(request), via);
        browsers.signedIn(user, announceNewBrowser, request, response);
        return principal;
    }
}

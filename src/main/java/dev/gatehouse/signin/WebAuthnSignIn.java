package dev.gatehouse.signin;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.stereotype.Service;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.factor.BackupCodeService;
import dev.gatehouse.factor.FactorService;
import dev.gatehouse.factor.FactorType;
import dev.gatehouse.factor.webauthn.PendingCeremony;
import dev.gatehouse.factor.webauthn.PendingCeremony.Purpose;
import dev.gatehouse.factor.webauthn.WebAuthnProblem;
import dev.gatehouse.factor.webauthn.WebAuthnService;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.user.User;
import dev.gatehouse.user.UserService;

/**
 * The second sign-in step and re-confirmation with a security key or device. Like the code steps, the user is the one
 * of this session's pending sign-in (or signed-in principal), never one the browser names; the ceremony itself is
 * checked by {@link WebAuthnService} for that user only.
 */
@Service
public class WebAuthnSignIn {

    private final SignInService signIn;
    private final WebAuthnService webAuthn;
    private final UserService users;
    private final Sessions sessions;
    private final AuditLog audit;
    private final FactorService factors;
    private final BackupCodeService backupCodes;
    private final Clock clock;

    WebAuthnSignIn(SignInService signIn, WebAuthnService webAuthn, UserService users, Sessions sessions,
                   AuditLog audit, FactorService factors, BackupCodeService backupCodes, Clock clock) {
        this.signIn = signIn;
        this.webAuthn = webAuthn;
        this.users = users;
        this.sessions = sessions;
        this.audit = audit;
        this.factors = factors;
        this.backupCodes = backupCodes;
        this.clock = clock;
    }

    public sealed interface Step {
        record SignedIn(SignedInUser user) implements Step { }
        record Refused(WebAuthnProblem problem) implements Step { }
        /** No sign-in is waiting for a second factor in this session (never started, expired, or finished). */
        record NoPendingSignIn() implements Step { }
    }

    /**
     * Starts the ceremony for this session's pending sign-in; the caller keeps it in the session. Empty when no sign-in
     * is pending or its user has no security key.
     */
    public Optional<PendingCeremony> start(HttpServletRequest request) {
        return signIn.pendingUser(request).flatMap(user -> webAuthn.startAssertion(user, Purpose.SIGN_IN));
    }

    /**
     * Finishes the second step with the browser's answer to {@code ceremony} (taken out of the session by the caller);
     * with {@code remember}, this browser is trusted afterwards, as with a code.
     */
    public Step finish(PendingCeremony ceremony, String credentialJson, boolean remember, HttpServletRequest request,
                       HttpServletResponse response) {
        Optional<User> found = signIn.pendingUser(request);
        if (found.isEmpty()) {
            return new Step.NoPendingSignIn();
        }
        User user = found.get();
        WebAuthnService.Assertion result = webAuthn.finishAssertion(user, ceremony, Purpose.SIGN_IN, credentialJson,
                ClientInfo.of(request));
        if (result instanceof WebAuthnService.Assertion.Refused refused) {
            return new Step.Refused(refused.problem());
        }
        return new Step.SignedIn(signIn.signInWithSecondFactor(user, "password + " + FactorType.WEBAUTHN.name(),
                remember, request, response));
    }

    // --- re-confirmation ----------------------------------------------------------------------------------------

    /** Starts a ceremony to re-confirm the signed-in user; empty when they have no security key. */
    public Optional<PendingCeremony> startReconfirm(SignedInUser user) {
        return users.findById(user.userId()).flatMap(u -> webAuthn.startAssertion(u, Purpose.CONFIRM));
    }

    /** Whether the user could re-confirm with a code instead (a code method, or a backup code left). */
    public boolean codeAlternative(SignedInUser user) {
        return factors.factors(user.userId()).stream().anyMatch(f -> f.type().usesCodes())
                || backupCodes.remaining(user.userId()) > 0;
    }

    public sealed interface Reconfirm {
        record Confirmed() implements Reconfirm { }
        record WrongPassword() implements Reconfirm { }
        record PasswordPaused(Instant until) implements Reconfirm { }
        record Refused(WebAuthnProblem problem) implements Reconfirm { }
    }

    /**
     * Re-confirms with the password and a security key. Like a right code, the key renews the session's proof of a
     * second factor (and so rotates its id); the re-confirmation then lasts as long as one with a code.
     */
    public Reconfirm reconfirm(SignedInUser user, String password, PendingCeremony ceremony, String credentialJson,
                               HttpServletRequest request, HttpServletResponse response) {
        ClientInfo client = ClientInfo.of(request);
        UserService.PasswordCheck check = signIn.reconfirmPassword(user, password, client);
        if (check instanceof UserService.PasswordCheck.Paused paused) {
            return new Reconfirm.PasswordPaused(paused.until());
        }
        if (!(check instanceof UserService.PasswordCheck.Accepted)) {
            return new Reconfirm.WrongPassword();
        }
        User current = users.findById(user.userId()).orElseThrow();
        WebAuthnService.Assertion result = webAuthn.finishAssertion(current, ceremony, Purpose.CONFIRM,
                credentialJson, client);
        if (result instanceof WebAuthnService.Assertion.Refused refused) {
            return new Reconfirm.Refused(refused.problem());
        }
        Instant now = clock.instant();
        sessions.update(request, response, user.withSecondFactorAt(now));
        request.getSession().setAttribute(Reconfirmation.ATTRIBUTE, new Reconfirmation(user.userId(), now));
        audit.record(AuditEventType.REAUTHENTICATED, user.userId(), null, client, FactorType.WEBAUTHN.name());
        return new Reconfirm.Confirmed();
    }
}

package dev.gatehouse.signin;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.stereotype.Service;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.factor.CodeCheck;
import dev.gatehouse.factor.FactorService;
import dev.gatehouse.factor.FactorType;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.user.User;
import dev.gatehouse.user.UserService;

/**
 * The sign-in state machine: password, then (when the user has a method) a second factor, then a signed-in session
 * with a new id. Between the two steps the session holds only a {@link PendingSignIn}; which user it is for is
 * decided here, from the session, never from the request.
 */
@Service
public class SignInService {

    private final UserService users;
    private final FactorService factors;
    private final Sessions sessions;
    private final AuditLog audit;
    private final SignInProperties properties;
    private final Clock clock;

    SignInService(UserService users, FactorService factors, Sessions sessions, AuditLog audit,
                  SignInProperties properties, Clock clock) {
        this.users = users;
        this.factors = factors;
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
    }

    /** Checks the password; on success either signs the session in or leaves it waiting for a second factor. */
    public PasswordStep password(String email, String password, HttpServletRequest request,
                                 HttpServletResponse response) {
        ClientInfo client = ClientInfo.of(request);
        Optional<User> user = users.authenticate(email, password);
        if (user.isEmpty()) {
            // Recorded on the user's own log when the address is known, so they can see attempts on their account.
            audit.record(AuditEventType.SIGN_IN_FAILED, users.findByEmail(email).map(User::id).orElse(null), null,
                    client, "password");
            return new PasswordStep.Rejected();
        }
        if (factors.hasFactor(user.get().id())) {
            PendingSignIn pending = new PendingSignIn(user.get().id(), UUID.randomUUID(), clock.instant());
            sessions.awaitSecondFactor(request, pending);
            return new PasswordStep.SecondFactorRequired(pending);
        }
        return new PasswordStep.SignedIn(signIn(user.get(), null, request, response, "password"));
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

    /** The second step with a typed code. The user is the one of this session's pending sign-in, and no other. */
    public SecondFactorStep secondFactor(FactorType type, String code, HttpServletRequest request,
                                         HttpServletResponse response) {
        Optional<PendingSignIn> pending = pending(request);
        if (pending.isEmpty()) {
            return new SecondFactorStep.NoPendingSignIn();
        }
        UUID userId = pending.get().userId();
        CodeCheck check = factors.checkCode(userId, type, code, ClientInfo.of(request));
        if (check instanceof CodeCheck.Accepted) {
            User user = users.findById(userId).orElseThrow();
            return new SecondFactorStep.SignedIn(signIn(user, clock.instant(), request, response,
                    "password + " + type.name()));
        }
        return failure(check);
    }

    /** What to tell the user when code entry is locked or suspended for them right now; empty when codes may be typed. */
    public Optional<SecondFactorStep> codeEntryBlocked(UUID userId) {
        return factors.codeEntryBlocked(userId).map(SignInService::failure);
    }

    /** Signs in a user who just proved their address and chose a password (sign-up link, invitation). */
    public SignedInUser signInNewUser(User user, HttpServletRequest request, HttpServletResponse response) {
        return signIn(user, null, request, response, "new user");
    }

    /** Ends every session of the user, this one included, on every node. */
    public void signOutEverywhere(SignedInUser user, HttpServletRequest request) {
        int ended = sessions.endAll(user.userId(), null);
        audit.record(AuditEventType.SIGN_OUT_EVERYWHERE, user.userId(), null, ClientInfo.of(request),
                ended + " sessions");
    }

    /** After a password change: other sessions end, this one continues under a new id. */
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
        record CodeProblem(SecondFactorStep step) implements ReconfirmStep { }
    }

    /**
     * Re-confirms with the password and, when {@link #reconfirmationNeeded} says so, a code from the user's code
     * method. A right code also renews the session's proof of a second factor (and so rotates its id).
     */
    public ReconfirmStep reconfirm(SignedInUser user, String password, String code, HttpServletRequest request,
                                   HttpServletResponse response) {
        Instant now = clock.instant();
        if (!users.checkPassword(user.userId(), password)) {
            audit.record(AuditEventType.SIGN_IN_FAILED, user.userId(), null, ClientInfo.of(request), "re-confirmation");
            return new ReconfirmStep.WrongPassword();
        }
        SignedInUser confirmed = user;
        if (codeNeeded(user, now)) {
            Optional<FactorType> codeMethod = factors.factors(user.userId()).stream().map(f -> f.type())
                    .filter(FactorType::usesCodes).findFirst();
            if (codeMethod.isPresent()) {
                CodeCheck check = factors.checkCode(user.userId(), codeMethod.get(), code, ClientInfo.of(request));
                if (!(check instanceof CodeCheck.Accepted)) {
                    return new ReconfirmStep.CodeProblem(failure(check));
                }
                confirmed = user.withSecondFactorAt(now);
                sessions.update(request, response, confirmed);
            }
        }
        request.getSession().setAttribute(Reconfirmation.ATTRIBUTE, new Reconfirmation(user.userId(), now));
        audit.record(AuditEventType.REAUTHENTICATED, user.userId(), null, ClientInfo.of(request), null);
        return new ReconfirmStep.Confirmed();
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

    private static SecondFactorStep failure(CodeCheck check) {
        if (check instanceof CodeCheck.Wrong wrong) {
            return new SecondFactorStep.WrongCode(wrong.remaining());
        }
        if (check instanceof CodeCheck.Locked locked) {
            return new SecondFactorStep.Locked(locked.until());
        }
        if (check instanceof CodeCheck.Suspended) {
            return new SecondFactorStep.Suspended();
        }
        return new SecondFactorStep.WrongCode(0);
    }

    private SignedInUser signIn(User user, Instant secondFactorAt, HttpServletRequest request,
                                HttpServletResponse response, String via) {
        SignedInUser principal = new SignedInUser(user.id(), user.email(), user.displayName(), clock.instant(),
                secondFactorAt);
        sessions.establish(request, response, principal);
        audit.record(AuditEventType.SIGN_IN, user.id(), null, ClientInfo.of(request), via);
        return principal;
    }
}

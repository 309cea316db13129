package dev.gatehouse.signin;

import java.io.Serializable;
import java.util.Optional;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

import org.springframework.stereotype.Service;

import dev.gatehouse.factor.CodeChallenge;
import dev.gatehouse.factor.CodeChallenges;
import dev.gatehouse.factor.CodeCheck;
import dev.gatehouse.factor.CodePurpose;
import dev.gatehouse.factor.CodeSend;
import dev.gatehouse.factor.EnrolledFactor;
import dev.gatehouse.factor.FactorService;
import dev.gatehouse.factor.FactorType;
import dev.gatehouse.factor.SignInMethods;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.user.User;
import dev.gatehouse.user.UserService;

/**
 * Codes Gatehouse sends (email, text message) at the second sign-in step and at re-confirmation. A sign-in's codes are
 * bound to its attempt ({@link PendingSignIn#attemptId()}); a re-confirmation gets an attempt of its own, kept in the
 * session until it passes. The user is always the one of the session, never one the request names.
 */
@Service
public class SentCodeSignIn {

    /** Session attribute: the re-confirmation in progress with a code method (which one, and its attempt). */
    static final String RECONFIRM = "gatehouse.reconfirmCode";

    private final CodeChallenges codes;
    private final FactorService factors;
    private final SignInMethods methods;
    private final UserService users;

    SentCodeSignIn(CodeChallenges codes, FactorService factors, SignInMethods methods, UserService users) {
        this.codes = codes;
        this.factors = factors;
        this.methods = methods;
        this.users = users;
    }

    /** The code method and attempt of a re-confirmation in progress. */
    record ReconfirmCode(UUID userId, UUID attemptId, FactorType type) implements Serializable {
    }

    /** Whether Gatehouse sends the codes of this method (so a page offers "Send a new code"). */
    public boolean sendsCodes(FactorType type) {
        return codes.method(type).isPresent();
    }

    /** Where the user's codes of this method go, partly hidden (the person may only have proved the password). */
    public String maskedDestination(UUID userId, FactorType type) {
        return factors.factor(userId, type).map(EnrolledFactor::publicData)
                .flatMap(destination -> codes.method(type).map(m -> m.masked(destination))).orElse("");
    }

    // --- the second sign-in step --------------------------------------------------------------------------------

    /** Sends a code of this sign-in attempt (a new one, once the cooldown has passed). */
    public CodeSend send(PendingSignIn pending, FactorType type, ClientInfo client) {
        return users.findById(pending.userId())
                .map(user -> codes.send(user, type, CodePurpose.SIGN_IN, pending.attemptId(), client))
                .orElseGet(CodeSend.NoSuchMethod::new);
    }

    /** Sends the first code of this sign-in attempt when the method is shown; empty when one went already. */
    public Optional<CodeSend> sendIfNone(PendingSignIn pending, FactorType type, ClientInfo client) {
        if (challenge(pending, type).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(send(pending, type, client));
    }

    public Optional<CodeChallenge> challenge(PendingSignIn pending, FactorType type) {
        return codes.current(pending.userId(), type, CodePurpose.SIGN_IN, pending.attemptId());
    }

    CodeCheck verify(PendingSignIn pending, FactorType type, String code, ClientInfo client) {
        return codes.verify(pending.userId(), type, CodePurpose.SIGN_IN, pending.attemptId(), code, client);
    }

    // --- re-confirmation ----------------------------------------------------------------------------------------

    /**
     * The code method re-confirmation asks for: {@code named} if it is one of the user's code methods, else the one
     * chosen earlier in this re-confirmation, else the primary code method. Remembered in the session with the
     * attempt its codes are bound to. Empty when the user has no code method (only security keys).
     */
    public Optional<FactorType> reconfirmMethod(SignedInUser user, String named, HttpServletRequest request) {
        Optional<FactorType> choice = methods.ordered(user.userId()).stream()
                .filter(t -> t.usesCodes() && t.name().equals(named)).findFirst()
                .or(() -> current(user, request).map(ReconfirmCode::type)
                        .filter(t -> factors.factor(user.userId(), t).isPresent()))
                .or(() -> methods.ordered(user.userId()).stream().filter(FactorType::usesCodes).findFirst());
        choice.ifPresent(type -> {
            Optional<ReconfirmCode> now = current(user, request);
            UUID attempt = now.map(ReconfirmCode::attemptId).orElseGet(UUID::randomUUID);
            request.getSession().setAttribute(RECONFIRM, new ReconfirmCode(user.userId(), attempt, type));
        });
        return choice;
    }

    /** Sends a code for this re-confirmation (a new one, once the cooldown has passed). */
    public CodeSend sendForReconfirm(SignedInUser user, HttpServletRequest request) {
        Optional<ReconfirmCode> current = current(user, request).filter(c -> sendsCodes(c.type()));
        Optional<User> found = users.findById(user.userId());
        if (current.isEmpty() || found.isEmpty()) {
            return new CodeSend.NoSuchMethod();
        }
        return codes.send(found.get(), current.get().type(), CodePurpose.RECONFIRM, current.get().attemptId(),
                ClientInfo.of(request));
    }

    /** Sends the first code of this re-confirmation when the page is shown; empty when one went already. */
    public Optional<CodeSend> sendForReconfirmIfNone(SignedInUser user, HttpServletRequest request) {
        if (reconfirmChallenge(user, request).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(sendForReconfirm(user, request));
    }

    public Optional<CodeChallenge> reconfirmChallenge(SignedInUser user, HttpServletRequest request) {
        return current(user, request).flatMap(c -> codes.current(user.userId(), c.type(), CodePurpose.RECONFIRM,
                c.attemptId()));
    }

    /** The method of the re-confirmation in progress, as {@link #reconfirmMethod} chose it. */
    Optional<FactorType> reconfirmType(SignedInUser user, HttpServletRequest request) {
        return reconfirmMethod(user, "", request);
    }

    CodeCheck verifyReconfirm(SignedInUser user, FactorType type, String code, HttpServletRequest request) {
        Optional<ReconfirmCode> current = current(user, request).filter(c -> c.type() == type);
        if (current.isEmpty()) {
            return new CodeCheck.NoSuchMethod();
        }
        return codes.verify(user.userId(), type, CodePurpose.RECONFIRM, current.get().attemptId(), code,
                ClientInfo.of(request));
    }

    /** The re-confirmation passed: its attempt is over, the next one gets new codes. */
    void reconfirmed(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.removeAttribute(RECONFIRM);
        }
    }

    private static Optional<ReconfirmCode> current(SignedInUser user, HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session != null && session.getAttribute(RECONFIRM) instanceof ReconfirmCode code
                && code.userId().equals(user.userId())) {
            return Optional.of(code);
        }
        return Optional.empty();
    }
}

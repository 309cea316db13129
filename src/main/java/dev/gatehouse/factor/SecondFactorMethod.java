package dev.gatehouse.factor;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.user.User;

/**
 * One kind of second factor, as sign-in, re-confirmation and the Security tab see it: every method — authenticator
 * app, email and text-message codes, security keys, backup codes — is a bean of this type, and nothing above this
 * package names one. Verification and enrolment have the same shape: a start (which may send a message or give the
 * browser WebAuthn options, and may leave a {@link PendingStep} to keep in the session), then a finish with what the
 * user answered, which returns a sealed {@link Finish}. Typed codes all pass the one lockout-guarded check
 * ({@code CodeGuard}); every finish is for the user of the {@link Attempt} or {@link Setup}, which the caller takes
 * from the session, never from the request.
 *
 * <p>Adding a method: docs/adding-a-method.md.
 */
public interface SecondFactorMethod {

    FactorType type();

    MethodTraits traits();

    /** Whether it can be used at all on this server (e.g. text messages need an SMS gateway); default true. */
    default boolean available() {
        return true;
    }

    /** Whether the user can answer with it now: it is turned on (backup codes: some are left). */
    boolean activeFor(UUID userId);

    /** For a method that runs out (backup codes): how many uses the user has left; empty for the others. */
    default java.util.OptionalInt remaining(UUID userId) {
        return java.util.OptionalInt.empty();
    }

    /**
     * Whether its codes arrive by email: such a method proves the same inbox a password reset link does, so it never
     * stands as the second step of a sign-in that began with such a link. Default false.
     */
    default boolean deliveredByEmail() {
        return false;
    }

    /** How a sign-in with it is recorded in the audit log ({@code password + <this>}); default the type's name. */
    default String auditName() {
        return type().name();
    }

    /**
     * Whether {@code answer} is unmistakably an answer of this method (a backup code's 14 letters and digits, never a
     * 6-digit code), so that a page asking for another method's code also takes it. Default false.
     */
    default boolean claims(String answer) {
        return false;
    }

    /**
     * Begins a second step (sign-in or re-confirmation) for the attempt's user, or shows the one begun. {@code send}
     * says what a method that sends codes may send; the others ignore it.
     */
    Start startVerification(Attempt attempt, Send send);

    /** What a start may send, for a method that sends codes. */
    enum Send {
        /** The attempt's first code, if none went yet. */
        FIRST,
        /** A new code: the user asked for one (the cooldown and the send limits apply). */
        AGAIN,
        /** Nothing: only show what was sent (e.g. while code entry is locked). */
        NOTHING
    }

    /**
     * Checks the user's answer. {@code pending} is what {@link #startVerification} left in the session for this
     * attempt, or null; the caller has checked {@link PendingStep#usableFor}. {@code answer} may be anything a client
     * sent (null, huge, not digits): never throws for it.
     */
    Finish finishVerification(Attempt attempt, PendingStep pending, String answer);

    /**
     * The finish when the browser brought no answer but the name of the error its device gave (a method answered by a
     * device: cancelled, timed out, not supported). Counts nothing.
     */
    default Finish unanswered(String error) {
        return new Finish.Problem("step.cancelled");
    }

    /**
     * Begins turning the method on (or, for a method with a destination, changing where its codes go).
     * {@code previous} is the setup already in the session, if any: a method may continue it.
     */
    Start startEnrollment(Setup setup, PendingStep previous);

    /**
     * Finishes a setup with the user's answer (the first code, the browser's WebAuthn answer, ...). A change of how
     * the user signs in: callers are pages behind "Confirm it's you" ({@code @ConfirmFirst}).
     */
    Finish finishEnrollment(Setup setup, PendingStep pending, String answer);

    /** A second step being proved: whose, what for, and the attempt its codes and challenges are bound to. */
    record Attempt(User user, CodePurpose purpose, UUID id, ClientInfo client) {
        public Attempt {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(purpose, "purpose");
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(client, "client");
        }
    }

    /** A setup by the signed-in user, with the form fields the method's page sent (e.g. {@code destination}). */
    record Setup(User user, ClientInfo client, Map<String, String> fields) {
        public Setup {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(client, "client");
            fields = Map.copyOf(Objects.requireNonNull(fields, "fields"));
        }

        public Setup(User user, ClientInfo client) {
            this(user, client, Map.of());
        }

        /** A field's value, or null. */
        public String field(String name) {
            return fields.get(name);
        }
    }

    /** What a start did. */
    sealed interface Start {
        /** The prompt of a ready start, when it is of that kind; empty otherwise (refused, or another prompt). */
        default <T extends Prompt> java.util.Optional<T> prompt(Class<T> kind) {
            return this instanceof Ready ready && kind.isInstance(ready.prompt())
                    ? java.util.Optional.of(kind.cast(ready.prompt())) : java.util.Optional.empty();
        }

        /** Keep {@code pending} (may be null: nothing to keep) in the session and show {@code prompt}. */
        record Ready(PendingStep pending, Prompt prompt) implements Start { }
        /** Nothing was started; {@code problemKey} is the message key that says why. */
        record Refused(String problemKey) implements Start { }
    }

    /** What the user is asked for. */
    sealed interface Prompt {
        /** A code they read from something they hold; {@code shown} is what the page shows for it (a QR code), or null. */
        record EnterCode(Object shown) implements Prompt { }
        /**
         * A code sent to them. {@code send} is what this start did (null when it sent nothing: a code of the attempt
         * went earlier); {@code challenge} the attempt's latest code (null if none went yet); {@code shownDestination}
         * where codes go, partly hidden for pages seen before the second step passed.
         */
        record CodeSent(CodeSend send, CodeChallenge challenge, String shownDestination) implements Prompt { }
        /** A ceremony for the browser: the options JSON for {@code navigator.credentials}. */
        record Ceremony(String browserJson) implements Prompt { }
    }

    /** What a finish decided. */
    sealed interface Finish {
        /**
         * Proved. On enrolment {@code factor} is the new or changed factor, {@code firstBackupCodes} the user's first set
         * when this was their first method (shown once), and {@code changed} tells a destination change from a new
         * method; on verification {@code factor} is the factor that was used (null for a backup code).
         */
        record Proved(EnrolledFactor factor, IssuedBackupCodes firstBackupCodes, boolean changed) implements Finish {
            public static Proved verified(EnrolledFactor factor) {
                return new Proved(factor, null, false);
            }
        }
        /** A typed code that did not pass: {@link CodeCheck.Wrong}, {@link CodeCheck.Locked}, ... */
        record Refused(CodeCheck why) implements Finish { }
        /**
         * Not proved for another reason (a WebAuthn answer that failed its checks, a wrong first code of an app);
         * {@code messageKey} says why, {@code malformed} when the answer was not even well-formed.
         */
        record Problem(String messageKey, boolean malformed) implements Finish {
            public Problem(String messageKey) {
                this(messageKey, false);
            }
        }
        /** Its pending step is missing, too old, or not this user's: start again. */
        record Expired() implements Finish { }
    }
}

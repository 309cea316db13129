package dev.gatehouse.signin;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import org.springframework.security.core.AuthenticatedPrincipal;

import dev.gatehouse.crypto.Tokens;

/**
 * The principal of a signed-in session. Only exists once every required step passed: a session that has only passed
 * the password holds a {@link PendingSignIn} instead and is not authenticated.
 *
 * @param userId           never null; also the principal name Spring Session indexes sessions by
 * @param signedInAt       when the session was signed in; the absolute session lifetime counts from here
 * @param secondFactorAt   when a second factor was last proved in this session; null if none was asked
 * @param amr              what this session's sign-in really used, as RFC 8176 Authentication Method Reference values
 *                         in the order given: {@code pwd}, then each proved method's own value
 *                         ({@code MethodTraits.amr()}) and {@code mfa}, or {@value #TRUSTED_DEVICE} for a device the
 *                         user trusted (docs/integration.md); never null or empty
 * @param sessionsGeneration the user's sessions generation when this sign-in began ({@code User.sessionsGeneration}):
 *                         once ending all their sessions raised it, this session is signed out at its next request,
 *                         even if it moved to a new id meanwhile; a session from before it was recorded reads 0
 * @param handle           names this sign-in for its whole life (the sessions list's handle, 256 random bits): given
 *                         when the session signs in, kept by every renewal and step-up; {@link #signIn()} is what
 *                         ending this one session records. Null until the session signs in, and in a session from
 *                         before it was recorded
 */
public record SignedInUser(UUID userId, String email, String displayName, Instant signedInAt, Instant secondFactorAt,
                           List<String> amr, long sessionsGeneration, String handle)
        implements AuthenticatedPrincipal, Serializable {

    /** The {@code amr} value of a trusted device, which RFC 8176 has no name for. */
    public static final String TRUSTED_DEVICE = "x-trusted-device";

    /** RFC 8176: more than one factor was used. */
    static final String MULTIPLE_FACTORS = "mfa";

    public SignedInUser {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(signedInAt, "signedInAt");
        // A session signed in before amr was recorded used its password, and a second factor if it has a time.
        amr = amr == null || amr.isEmpty()
                ? (secondFactorAt == null ? List.of("pwd") : List.of("pwd", MULTIPLE_FACTORS)) : List.copyOf(amr);
    }

    /** A session whose sign-in is described by its times alone (tests, sessions from before amr was recorded). */
    public SignedInUser(UUID userId, String email, String displayName, Instant signedInAt, Instant secondFactorAt) {
        this(userId, email, displayName, signedInAt, secondFactorAt, null, 0, null);
    }

    /** A new sign-in, not yet named by a handle ({@code Sessions} gives it one when the session signs in). */
    public SignedInUser(UUID userId, String email, String displayName, Instant signedInAt, Instant secondFactorAt,
                        List<String> amr, long sessionsGeneration) {
        this(userId, email, displayName, signedInAt, secondFactorAt, amr, sessionsGeneration, null);
    }

    /**
     * What ending this one session records, and what an application's authorization made in it remembers
     * ({@code OidcPrincipal.signIn}): a hash of the handle, so neither the table of ended sign-ins nor the
     * authorization store holds a value a page form accepts. Null without a handle.
     */
    public String signIn() {
        return handle == null ? null : signInOf(handle);
    }

    static String signInOf(String handle) {
        return Tokens.sha256("sign-in:" + handle);
    }

    @Override
    public String getName() {
        return userId.toString();
    }

    public boolean expired(Instant now, Duration absoluteLifetime) {
        return !now.isBefore(signedInAt.plus(absoluteLifetime));
    }

    /** This session after the user changed their name or sign-in address: the sign-in itself is unchanged. */
    public SignedInUser withDetails(String newEmail, String newDisplayName) {
        return new SignedInUser(userId, newEmail, newDisplayName, signedInAt, secondFactorAt, amr, sessionsGeneration,
                handle);
    }

    /** This session kept while the user's other sessions ended, which raised their sessions generation to this. */
    public SignedInUser withSessionsGeneration(long generation) {
        return new SignedInUser(userId, email, displayName, signedInAt, secondFactorAt, amr, generation, handle);
    }

    /** This session after it proved a second factor at {@code at} with a method whose RFC 8176 value is {@code amr}. */
    public SignedInUser withSecondFactor(Instant at, String methodAmr) {
        return new SignedInUser(userId, email, displayName, signedInAt, at, with(amr, methodAmr), sessionsGeneration,
                handle);
    }

    /** This sign-in named by {@code newHandle}. */
    SignedInUser withHandle(String newHandle) {
        return new SignedInUser(userId, email, displayName, signedInAt, secondFactorAt, amr, sessionsGeneration,
                newHandle);
    }

    /** {@code amr} with a proved method's value, and {@code mfa}, added (each once). */
    static List<String> with(List<String> amr, String methodAmr) {
        List<String> more = new ArrayList<>(amr);
        for (String value : List.of(methodAmr, MULTIPLE_FACTORS)) {
            if (!more.contains(value)) {
                more.add(value);
            }
        }
        return List.copyOf(more);
    }
}

package dev.gatehouse.factor.webauthn;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A ceremony the server started and the browser has yet to answer: Yubico's request (with its challenge of 32 random
 * bytes) as Yubico's own JSON. Kept only in the server-side session of the user who started it, and taken out of it
 * by the first answer, right or wrong: a challenge is used once.
 *
 * @param userId      the user it was started for; an answer is only checked for this user
 * @param purpose     what it is for; an answer is only checked for the same purpose
 * @param challenge   its challenge, base64url; recorded as used by the first answer (on any node)
 * @param requestJson Yubico's {@code PublicKeyCredentialCreationOptions} or {@code AssertionRequest} JSON
 * @param browserJson what the browser is given: Yubico's {@code toCredentialsCreateJson()} / {@code toCredentialsGetJson()}
 * @param expiresAt   when it stops being accepted (the browser's timeout and a minute)
 */
public record PendingCeremony(UUID userId, Purpose purpose, String challenge, String requestJson, String browserJson,
                              Instant expiresAt) implements Serializable {

    public enum Purpose {
        /** Adding a credential on the Security tab. */
        REGISTER,
        /** The second step of a sign-in. */
        SIGN_IN,
        /** Proving a second factor again before a security change. */
        CONFIRM
    }

    public PendingCeremony {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(challenge, "challenge");
        Objects.requireNonNull(requestJson, "requestJson");
        Objects.requireNonNull(browserJson, "browserJson");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** Whether an answer to it may be checked now for this user and purpose. */
    public boolean usableFor(UUID user, Purpose expected, Instant now) {
        return userId.equals(user) && purpose == expected && now.isBefore(expiresAt);
    }

    /** The session attribute a ceremony of this purpose is kept under (one of each purpose at a time). */
    public static String attribute(Purpose purpose) {
        return "gatehouse.webauthn." + purpose.name();
    }
}

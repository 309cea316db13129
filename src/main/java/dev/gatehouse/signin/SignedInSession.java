package dev.gatehouse.signin;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import dev.gatehouse.system.Network;

/**
 * One signed-in session of a user, as the Security tab lists it. Never holds the session's id: a page names a session
 * only by its {@code handle}, which is looked up among the signed-in user's own sessions.
 *
 * @param handle       a random value kept in the session from its sign-in, to name it in a form; empty for a session
 *                     signed in before sessions were recorded (it can still be ended by "sign out everywhere")
 * @param browser      e.g. "Chrome on Linux", from the User-Agent at sign-in; empty when not recorded
 * @param signedInAt   when it was signed in
 * @param lastActiveAt its last request
 * @param network      the network it signed in from, marked when it is the asking browser's network
 * @param thisSession  whether it is the session of the browser asking
 */
public record SignedInSession(Optional<String> handle, String browser, Instant signedInAt, Instant lastActiveAt,
                              Network network, boolean thisSession) {

    public SignedInSession {
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(browser, "browser");
        Objects.requireNonNull(signedInAt, "signedInAt");
        Objects.requireNonNull(lastActiveAt, "lastActiveAt");
        Objects.requireNonNull(network, "network");
    }

    /**
     * How the session is named outside the pages (the REST API): a hash of its handle, so a list handed to an
     * application carries no value a page form accepts. Empty when the session has no handle.
     */
    public Optional<String> reference() {
        return handle.map(SignedInSession::reference);
    }

    static String reference(String handle) {
        return dev.gatehouse.crypto.Tokens.sha256("session-reference:" + handle).substring(0, 32);
    }
}

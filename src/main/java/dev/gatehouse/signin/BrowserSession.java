package dev.gatehouse.signin;

import java.io.Serializable;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;

import dev.gatehouse.system.ClientInfo;

/**
 * The browser on the other end of one request, as the sign-in logic sees it: its server-side session and its cookies,
 * and nothing of HTTP. {@link SignInService} and its helpers decide; an adapter carries it out
 * ({@code signin.servlet.ServletBrowserSession} for a servlet request, an in-memory one in tests). A browser without a
 * session reads as one with an empty session; the first write gives it one.
 */
public interface BrowserSession {

    /** Who is on the other end: address and browser, for the audit log and emails. */
    ClientInfo client();

    /** The session attribute {@code name} if the browser has a session holding one of that type. */
    <T> Optional<T> attribute(String name, Class<T> type);

    void setAttribute(String name, Serializable value);

    void removeAttribute(String name);

    /** Removes the attribute and returns what it held (of that type): a value used once. */
    default <T> Optional<T> takeAttribute(String name, Class<T> type) {
        Optional<T> value = attribute(name, type);
        removeAttribute(name);
        return value;
    }

    /** The session's id, if the browser has a session. */
    Optional<String> sessionId();

    /**
     * Moves the session to a new id, keeping only the attributes {@code keep} accepts; the old session is deleted at
     * once (on every node), so a request still holding it writes nowhere. Gives the browser a session if it had none.
     */
    void renew(Predicate<String> keep);

    /** Makes {@code user} the signed-in principal of the session (for this request and the ones after it). */
    void authenticate(SignedInUser user);

    /** Makes the session signed out, for this request too (the session itself stays). */
    void unauthenticate();

    /** The value of the cookie {@code name}, if the browser sent one (over-long values are ignored). */
    Optional<String> cookie(String name);

    /**
     * Sets a cookie the browser keeps for {@code maxAge}: path {@code /}, never readable by script, sent with same-site
     * requests and top-level navigations only, and only over HTTPS when the request came over HTTPS or the name asks
     * for it ({@code __Host-}, {@code __Secure-}).
     */
    void setCookie(String name, String value, Duration maxAge);
}

package dev.gatehouse.signin;

import java.io.Serializable;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

import dev.gatehouse.system.ClientInfo;

/**
 * A browser for driving the sign-in state machine without HTTP: a session (attributes under an id, or none), the
 * signed-in principal, and a cookie jar that outlives sessions, as a real browser's does. {@link #newSession()}
 * is the same browser after its session cookie is gone (e.g. a restart); the other cookies stay.
 */
final class MemoryBrowserSession implements BrowserSession {

    private final ClientInfo client;
    private final Map<String, String> cookies;
    private Map<String, Serializable> attributes;
    private String id;
    private SignedInUser principal;

    MemoryBrowserSession(ClientInfo client) {
        this(client, new HashMap<>());
    }

    private MemoryBrowserSession(ClientInfo client, Map<String, String> cookies) {
        this.client = client;
        this.cookies = cookies;
    }

    /** The same browser (its cookies) with no session. */
    MemoryBrowserSession newSession() {
        return new MemoryBrowserSession(client, cookies);
    }

    /** Who the session is signed in as, if anyone. */
    Optional<SignedInUser> principal() {
        return Optional.ofNullable(principal);
    }

    Optional<String> cookieValue(String name) {
        return Optional.ofNullable(cookies.get(name));
    }

    boolean has(String attribute) {
        return attributes != null && attributes.containsKey(attribute);
    }

    @Override
    public ClientInfo client() {
        return client;
    }

    @Override
    public <T> Optional<T> attribute(String name, Class<T> type) {
        return attributes == null ? Optional.empty()
                : Optional.ofNullable(attributes.get(name)).filter(type::isInstance).map(type::cast);
    }

    @Override
    public void setAttribute(String name, Serializable value) {
        session().put(name, value);
    }

    @Override
    public void removeAttribute(String name) {
        if (attributes != null) {
            attributes.remove(name);
        }
    }

    @Override
    public Optional<String> sessionId() {
        return Optional.ofNullable(id);
    }

    @Override
    public void renew(Predicate<String> keep) {
        Map<String, Serializable> kept = new LinkedHashMap<>();
        if (attributes != null) {
            attributes.forEach((name, value) -> {
                if (keep.test(name)) {
                    kept.put(name, value);
                }
            });
        }
        attributes = kept;
        id = UUID.randomUUID().toString();
    }

    @Override
    public void authenticate(SignedInUser user) {
        session();
        principal = user;
    }

    @Override
    public void unauthenticate() {
        principal = null;
    }

    @Override
    public Optional<String> cookie(String name) {
        return Optional.ofNullable(cookies.get(name));
    }

    @Override
    public void setCookie(String name, String value, Duration maxAge) {
        cookies.put(name, value);
    }

    private Map<String, Serializable> session() {
        if (attributes == null) {
            attributes = new LinkedHashMap<>();
            id = UUID.randomUUID().toString();
        }
        return attributes;
    }
}

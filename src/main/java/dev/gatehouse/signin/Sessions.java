package dev.gatehouse.signin;

import java.io.Serializable;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.factor.FactorChanged;
import dev.gatehouse.crypto.RandomCodes;
import dev.gatehouse.crypto.Tokens;
import dev.gatehouse.factor.FactorRemoved;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.system.Network;
import dev.gatehouse.user.UserService;

/**
 * Turns a finished sign-in into a signed-in session, and ends sessions. Sessions live in the database (Spring Session
 * JDBC), so ending them here ends them on every node.
 *
 * <p>Every privilege change (password step, second step, re-confirmation, password change) moves the session to a new
 * row under a new id and deletes the old row ({@link #renew}); it never changes the id of the row in place. A request
 * that loaded the old session before the change and saves it afterwards then finds no row to write to, so it cannot
 * put the old id back on the privileged session (Spring Session's update writes the id it holds with every save).
 * {@link SessionStoreConfiguration} makes such a late save a no-op instead of an error.
 */
@Component
public class Sessions {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Sessions.class);

    private static final String CSRF_TOKEN = HttpSessionCsrfTokenRepository.class.getName() + ".CSRF_TOKEN";

    /** Session attribute: what the sessions list shows of a signed-in session ({@link SessionInfo}). */
    static final String INFO = "gatehouse.sessionInfo";

    /**
     * What a signed-in session records of its sign-in, for the sessions list. It lives in the session itself, so it is
     * in the database like the session (any node can list or end it) and goes when the session goes. Kept when the
     * session moves to a new id, so its handle stays the same for its whole life.
     *
     * @param handle names the session in a page instead of its id: 256 random bits, unrelated to the id
     */
    record SessionInfo(String handle, String browser, String ip, Instant signedInAt) implements Serializable {

        SessionInfo {
            Objects.requireNonNull(handle, "handle");
            Objects.requireNonNull(signedInAt, "signedInAt");
            browser = browser == null ? "" : browser;
            ip = ip == null ? "" : ip;
        }
    }

    /**
     * Session attribute, while a new sign-in is under way: the sign-in this browser session held before it, as
     * "user id, space, handle" ({@link #continued}). A plain string, which nodes of the version before can read when
     * a renewal copies it (a class of its own would fail to load there during a rolling upgrade).
     */
    static final String CONTINUED = "gatehouse.continuedSignIn";

    private final FindByIndexNameSessionRepository<? extends Session> sessions;
    private final CurrentBrowserSession current;
    private final UserService users;
    private final EndedSignIns ended;
    private final ApplicationEventPublisher events;
    private final AuditLog audit;

    Sessions(FindByIndexNameSessionRepository<? extends Session> sessions, CurrentBrowserSession current,
             UserService users, EndedSignIns ended, ApplicationEventPublisher events, AuditLog audit) {
        this.sessions = sessions;
        this.current = current;
        this.users = users;
        this.ended = ended;
        this.events = events;
        this.audit = audit;
    }

    /**
     * Signs the session in as {@code user}: a new session id (so an id planted before sign-in is worthless), the
     * pending sign-in removed, the security context saved.
     */
    SignedInUser establish(BrowserSession browser, SignedInUser user) {
        // A change earlier in this request may have ended the user's other sessions and moved this one to their new
        // sessions generation (endAllBut): a principal the caller read before keeps that, never an older one.
        SignedInUser signedIn = principal(browser)
                .filter(now -> now.userId().equals(user.userId())
                        && now.sessionsGeneration() > user.sessionsGeneration())
                .map(now -> user.withSessionsGeneration(now.sessionsGeneration())).orElse(user);
        // Signed in, the session is indexed by its security context's name (the user id); the explicit index a
        // pending sign-in set would take precedence, so it goes, with the pending sign-in.
        browser.renew(name -> !name.equals(PendingSignIn.ATTRIBUTE)
                && !name.equals(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME));
        browser.authenticate(signedIn);
        return signedIn;
    }

    /**
     * Leaves the session waiting for a second factor for {@code pending}'s user, under a new id. Whatever the session
     * held before ends here: a sign-in of someone else on this browser, their re-confirmation, their setups. Until the
     * second factor passes, the session is exactly like a signed-out one.
     */
    void awaitSecondFactor(BrowserSession browser, PendingSignIn pending) {
        // Nothing survives the password step: not a previous user's sign-in or re-confirmation, and not the form
        // token either (like Spring Security's own sign-in, a new one is made at each step), so a token learnt from a
        // session planted before sign-in is worthless after it. (The page to return to is kept in a cookie.) Only an
        // application's demand for a new sign-in stays: it can only ask for more, and without it the password posted
        // again would let a trusted device skip the factor it asked for (found by an outside attack).
        // Of this browser's sign-in of the same user, its handle is remembered: a new sign-in here continues it.
        endReplaced(browser, pending.userId());
        Optional<Held> continued = held(browser).filter(h -> h.userId().equals(pending.userId()));
        browser.renew(name -> name.equals(SignInService.FRESH_SIGN_IN));
        browser.unauthenticate();
        browser.setAttribute(PendingSignIn.ATTRIBUTE, pending);
        continued.ifPresent(h -> browser.setAttribute(CONTINUED, h.attribute()));
        // Indexed under the user like a signed-in session, so that "sign out everywhere" and a password change end
        // a sign-in that is only waiting for its second step too.
        browser.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, pending.userId().toString());
    }

    /**
     * Signs the session in at the end of a sign-in: {@link #establish}, and a new form token. A new sign-in is named
     * by a new handle, unless it continues this browser's sign-in of the same user ({@link #continued}); a step-up
     * keeps its sign-in's. Returns the principal the session now holds.
     */
    SignedInUser signIn(BrowserSession browser, SignedInUser user) {
        endReplaced(browser, user.userId());
        SignedInUser named = user.handle() != null ? user
                : user.withHandle(continued(browser, user.userId()).orElseGet(RandomCodes::token));
        browser.removeAttribute(CONTINUED);
        SignedInUser signedIn = establish(browser, named);
        browser.removeAttribute(CSRF_TOKEN);
        ClientInfo client = browser.client();
        browser.setAttribute(INFO, new SessionInfo(named.handle(), client.browser(), client.ip(),
                named.signedInAt()));
        return signedIn;
    }

    /**
     * Signs the session out for a new sign-in an application asked for, remembering its sign-in's handle for the
     * sign-in that follows ({@link #continued}).
     */
    void signOutForNewSignIn(BrowserSession browser) {
        held(browser).ifPresent(h -> browser.setAttribute(CONTINUED, h.attribute()));
        browser.unauthenticate();
    }

    /**
     * The handle of the sign-in of {@code userId} this browser session held before this sign-in: an application's
     * demand for a new sign-in ({@code prompt=login}, {@code max_age}) signs the same browser session in again, which
     * stays one entry of the sessions list, so it stays one sign-in, and ending it ends what applications got before
     * the re-sign-in too (found by an outside attack in stop 34: those tokens outlived the sign-out). Not when that
     * sign-in was ended meanwhile; never another user's.
     */
    private Optional<String> continued(BrowserSession browser, UUID userId) {
        return held(browser).filter(h -> h.userId().equals(userId)).map(Held::handle)
                .filter(handle -> !ended.contains(SignedInUser.signInOf(handle)));
    }

    /** Replaces the principal of the current session (e.g. after a fresh second factor) and rotates its id. */
    public void update(BrowserSession browser, SignedInUser user) {
        establish(browser, user);
    }

    /**
     * Re-issues the current session without changing what it holds: a new row under a new id, the old row deleted
     * (e.g. after a re-confirmation with the password alone, which changes no principal).
     */
    public void rotate(BrowserSession browser) {
        browser.renew(name -> true);
    }

    /**
     * Adding, changing or removing a method changes how the user's account is protected, like a password change:
     * their other sessions end once the change commits (this one goes on), so a session opened before cannot outlive
     * it. The change is saved by then, so a failure here is logged, not shown to the user as a failed change.
     */
    @TransactionalEventListener(fallbackExecution = true)
    void methodChanged(FactorChanged changed) {
        endOthers(changed.userId());
    }

    @TransactionalEventListener(fallbackExecution = true)
    void methodRemoved(FactorRemoved removed) {
        endOthers(removed.userId());
    }

    private void endOthers(UUID userId) {
        try {
            Optional<BrowserSession> browser = current.get();
            Optional<SignedInUser> me = browser.flatMap(Sessions::principal).filter(p -> p.userId().equals(userId));
            if (me.isPresent()) {
                endAllBut(browser.get(), me.get());
            } else {
                // Not signed in as them here (an administrator's reset, a sign-up still under way): this session is
                // not theirs to end, and has no principal to carry the new generation.
                end(userId, browser.flatMap(BrowserSession::sessionId).orElse(null));
            }
        } catch (RuntimeException e) {
            log.error("Could not end the other sessions of user {} after a change of their methods: {}", userId,
                    e.getClass().getSimpleName());
        }
    }

    /**
     * Ends every session of the user, signed in or waiting for a second step, on every node; returns how many rows
     * went. First the user's sessions generation rises, so a session that a request in flight moves to a new row
     * after the rows are deleted is signed out at its next request all the same ({@link #stillCurrent}).
     */
    public int endAll(UUID userId) {
        return end(userId, null);
    }

    /**
     * Ends every other session of {@code me}, as {@link #endAll}; this one goes on, under the new sessions generation
     * (same id: a caller that changed a privilege renews it itself). Returns this session's principal now.
     */
    public SignedInUser endAllBut(BrowserSession browser, SignedInUser me) {
        long generation = users.endSessions(me.userId());
        deleteAll(me.userId(), browser.sessionId().orElse(null));
        SignedInUser kept = me.withSessionsGeneration(generation);
        browser.authenticate(kept);
        return kept;
    }

    private int end(UUID userId, String keepSessionId) {
        users.endSessions(userId);
        return deleteAll(userId, keepSessionId);
    }

    private int deleteAll(UUID userId, String keepSessionId) {
        List<String> ids = sessions.findByPrincipalName(userId.toString()).keySet().stream()
                .filter(id -> !id.equals(keepSessionId)).toList();
        ids.forEach(sessions::deleteById);
        return ids.size();
    }

    /**
     * Whether a signed-in session of {@code user} is still one: false once all the user's sessions were ended after it
     * began (or the user is gone). Read on every signed-in request, on whichever node serves it.
     */
    public boolean stillCurrent(SignedInUser user) {
        return stillCurrent(user.userId(), user.sessionsGeneration(), user.signIn());
    }

    /**
     * Whether a sign-in of the user made under {@code sessionsGeneration} is still one (the same for what an
     * application holds from it: {@code web.oidc.WithinTheSignIn}): not ended with all the user's sessions, and,
     * when {@code signIn} names it ({@link SignedInUser#signIn()}; null for one from before that was recorded), not
     * ended on its own. One indexed read.
     */
    public boolean stillCurrent(UUID userId, long sessionsGeneration, String signIn) {
        if (signIn == null) {
            OptionalLong generation = users.sessionsGeneration(userId);
            return generation.isPresent() && generation.getAsLong() == sessionsGeneration;
        }
        return ended.generationUnlessEnded(userId, signIn).filter(generation -> generation == sessionsGeneration)
                .isPresent();
    }

    /**
     * The signed-in sessions of the user, as {@code browser} sees them: its own first and marked, then the others by
     * last activity, newest first, one entry per sign-in. A sign-in still waiting for its second step is not a
     * signed-in session and is not listed ("sign out everywhere" and a password change end it all the same).
     *
     * <p>A sign-in can have more than one row: a form submitted twice at once (a double click on "Save") moves the
     * session to two new rows, both with its handle, and a copy of a stolen cookie that is renewed does the same. A
     * copy of this browser's own sign-in is not listed as another session: ending it would end this one too (found by
     * an outside attack in stop 34). "Sign out everywhere" ends such a copy.
     */
    public List<SignedInSession> list(UUID userId, BrowserSession browser) {
        String currentId = browser.sessionId().orElse(null);
        String currentIp = browser.client().ip();
        Optional<String> currentHandle = principal(browser).map(SignedInUser::handle);
        return oneEach(shownRows(userId, currentId, currentIp).values().stream()
                .filter(s -> s.thisSession() || currentHandle.isEmpty() || !s.handle().equals(currentHandle))
                .sorted(Comparator.comparing(SignedInSession::thisSession).reversed()
                        .thenComparing(SignedInSession::lastActiveAt, Comparator.reverseOrder()))
                .toList());
    }

    /** The first entry of each sign-in (by handle); entries without a handle are all kept. */
    private static List<SignedInSession> oneEach(List<SignedInSession> sorted) {
        Set<String> seen = new HashSet<>();
        return sorted.stream().filter(s -> s.handle().map(seen::add).orElse(true)).toList();
    }

    /**
     * The signed-in sessions of the user as someone else sees them (an account's administrators, through the API): no
     * session is marked as theirs and no network as theirs; by last activity, newest first.
     */
    public List<SignedInSession> list(UUID userId) {
        return oneEach(shownRows(userId, null, "").values().stream()
                .sorted(Comparator.comparing(SignedInSession::lastActiveAt, Comparator.reverseOrder()))
                .toList());
    }

    /**
     * Ends the user's session named by {@code reference} ({@link SignedInSession#reference()}), on every node, for
     * someone else than the user (no session of the caller's is spared). Looked up among this user's signed-in
     * sessions only; empty, and nothing ends, when none has that reference.
     */
    public Optional<SignedInSession> endByReference(UUID userId, String reference) {
        if (reference == null || reference.isEmpty()) {
            return Optional.empty();
        }
        return endSignIn(userId, shownRows(userId, null, "",
                s -> Tokens.equal(s.reference().orElse(null), reference)));
    }

    /**
     * Ends the user's other session named by {@code handle}, on every node. The handle is looked up among this user's
     * own sessions only, and never matches the asking browser's session (that is "sign out"). Returns the session
     * ended; empty when no other session of the user has that handle, and then nothing ends.
     */
    public Optional<SignedInSession> endOther(UUID userId, String handle, BrowserSession browser) {
        if (handle == null || handle.isEmpty()) {
            return Optional.empty();
        }
        if (principal(browser).map(SignedInUser::handle).filter(own -> Tokens.equal(own, handle)).isPresent()) {
            return Optional.empty(); // a copy of this browser's own sign-in (see list): "sign out" is the way
        }
        return endSignIn(userId, shownRows(userId, browser.sessionId().orElse(null), browser.client().ip(),
                s -> !s.thisSession() && Tokens.equal(s.handle().orElse(null), handle)));
    }

    /**
     * This browser signs out ("Sign out", or an application's sign-out from it): the sign-in it holds, or is waiting
     * to continue (an application's {@code prompt=login}, {@code max_age} or step-up signed it out for a moment), ends
     * as one ended from another session does: recorded as ended, so every other copy of the session (a form submitted
     * twice at once, a stolen cookie renewed elsewhere) is refused at its next use, then {@link SignInEnded} ends what
     * applications were granted in it. Before, a plain sign-out deleted this row only: the applications' tokens went
     * on, and were listed nowhere any more (noticed in stop 33). The caller invalidates this session afterwards.
     *
     * <p>Only a sign-in of a user {@code whose} accepts. Returns that user; empty when the browser holds no sign-in
     * (or one {@code whose} refuses). A sign-in from before principals carried a handle is returned and ends with its
     * row only, as before.
     */
    public Optional<UUID> endThisSignIn(BrowserSession browser, Predicate<UUID> whose) {
        Optional<SignedInUser> signedIn = principal(browser);
        Optional<Held> held = held(browser).filter(h -> whose.test(h.userId()));
        held.ifPresent(this::end);
        return held.map(Held::userId).or(() -> signedIn.map(SignedInUser::userId).filter(whose));
    }

    /**
     * A sign-in of someone else is about to take this browser: the sign-in it holds, or was waiting to continue, of
     * another user ends as at their sign-out. Before, the new sign-in only replaced it in the session: what
     * applications were granted in it went on, and no later sign-out, of either user, could reach it (found by the
     * outside attack of stop 36: a copied cookie, the attacker's own password on it, and the victim's tokens were
     * loose).
     */
    private void endReplaced(BrowserSession browser, UUID newcomer) {
        held(browser).filter(h -> !h.userId().equals(newcomer)).ifPresent(replaced -> {
            end(replaced);
            // On the replaced user's activity: in the copied-cookie case it is the one trace they get.
            audit.record(AuditEventType.SIGN_OUT, replaced.userId(), null, browser.client(),
                    "another account signed in on this browser");
        });
    }

    /** A sign-in this browser holds, or waits to continue ({@link #CONTINUED}), by its user and handle. */
    private record Held(UUID userId, String handle) {

        /** As {@link #CONTINUED} keeps it: "user id, space, handle". */
        String attribute() {
            return userId + " " + handle;
        }

        static Optional<Held> of(String attribute) {
            String[] parts = attribute.split(" ", 2);
            try {
                return parts.length == 2 ? Optional.of(new Held(UUID.fromString(parts[0]), parts[1]))
                        : Optional.empty();
            } catch (IllegalArgumentException unreadable) {
                return Optional.empty();
            }
        }
    }

    /** The signed-in principal's sign-in (none for one without a handle), else the one waiting to be continued. */
    private Optional<Held> held(BrowserSession browser) {
        Optional<SignedInUser> signedIn = principal(browser);
        if (signedIn.isPresent()) {
            return signedIn.filter(p -> p.handle() != null).map(p -> new Held(p.userId(), p.handle()));
        }
        return browser.attribute(CONTINUED, String.class).flatMap(Held::of);
    }

    private void end(Held held) {
        String signIn = SignedInUser.signInOf(held.handle());
        ended.end(held.userId(), signIn);
        events.publishEvent(new SignInEnded(held.userId(), signIn));
    }

    /** The user's sessions as listed ({@link #shown}), by row id; a sign-in may have more than one row. */
    private Map<String, SignedInSession> shownRows(UUID userId, String currentId, String currentIp) {
        return shownRows(userId, currentId, currentIp, s -> true);
    }

    /**
     * Those of the user's sessions as listed that {@code wanted} accepts, by row id (a handle or reference it looks for
     * is compared in constant time, {@link Tokens#equal}).
     */
    private Map<String, SignedInSession> shownRows(UUID userId, String currentId, String currentIp,
                                                   Predicate<SignedInSession> wanted) {
        Set<String> endedSignIns = ended.of(userId);
        Map<String, SignedInSession> rows = new LinkedHashMap<>();
        sessions.findByPrincipalName(userId.toString()).forEach((id, session) ->
                shown(userId, id, session, currentId, currentIp, endedSignIns).filter(wanted)
                        .ifPresent(s -> rows.put(id, s)));
        return rows;
    }

    /**
     * Ends one sign-in, whose session is in {@code rows} (more than one when a form was submitted twice at once): the
     * sign-in is recorded as ended first, then its rows go. A request of the session in flight may still move it to
     * a new row (every renewal copies what the session held); that copy, and whatever an application was granted in
     * this sign-in, is refused at its next use ({@link #stillCurrent}) and never listed again; {@link SignInEnded}
     * then ends what applications were granted in it. A session signed in before sign-ins carried a handle in their
     * principal is ended by its rows only, as before. Returns the session as listed; empty when {@code rows} is.
     */
    private Optional<SignedInSession> endSignIn(UUID userId, Map<String, SignedInSession> rows) {
        Optional<SignedInSession> first = rows.values().stream().findFirst();
        Optional<String> signIn = first.flatMap(SignedInSession::handle).map(SignedInUser::signInOf);
        signIn.ifPresent(s -> ended.end(userId, s));
        rows.keySet().forEach(sessions::deleteById);
        signIn.ifPresent(s -> events.publishEvent(new SignInEnded(userId, s)));
        return first;
    }

    /**
     * The session as listed, if it is signed in as the user (not only waiting for a second step) and its sign-in was
     * not ended on its own (a copy a request in flight made after {@link #endSignIn}).
     */
    private static Optional<SignedInSession> shown(UUID userId, String id, Session session, String currentId,
                                                   String currentIp, Set<String> ended) {
        Optional<SignedInUser> principal;
        SessionInfo info;
        try {
            principal = principal(session).filter(p -> p.userId().equals(userId));
            info = session.getAttribute(INFO) instanceof SessionInfo i ? i : null;
        } catch (RuntimeException unreadable) {
            // Attributes are read lazily; one stored by an older version may no longer deserialise. Such a session
            // cannot be used either (its requests fail the same way); "sign out everywhere" still ends it.
            log.debug("Session of user {} not listed: {}", userId, unreadable.getClass().getSimpleName());
            return Optional.empty();
        }
        // Only a principal's own handle tells an ended sign-in: a session from before principals carried one is checked
        // by nothing else on its requests, so it stays listed, to be ended again, as before.
        if (principal.isEmpty() || principal.get().signIn() != null && ended.contains(principal.get().signIn())) {
            return Optional.empty();
        }
        Instant signedInAt = info != null ? info.signedInAt() : principal.get().signedInAt();
        // Spring Session stamps the access when a request begins, before its sign-in: never shown as earlier.
        Instant lastActive = session.getLastAccessedTime().isAfter(signedInAt) ? session.getLastAccessedTime()
                : signedInAt;
        return Optional.of(new SignedInSession(Optional.ofNullable(info).map(SessionInfo::handle),
                info != null ? info.browser() : "", signedInAt, lastActive,
                Network.of(info != null ? info.ip() : "", currentIp), id.equals(currentId)));
    }

    static Optional<SignedInUser> principal(BrowserSession browser) {
        return principalOf(browser
                .attribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY, SecurityContext.class)
                .orElse(null));
    }

    private static Optional<SignedInUser> principal(Session session) {
        return principalOf(session.getAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY));
    }

    /** The signed-in user of a session's stored security context, if it holds one. */
    private static Optional<SignedInUser> principalOf(Object context) {
        if (context instanceof SecurityContext sc && sc.getAuthentication() != null
                && sc.getAuthentication().getPrincipal() instanceof SignedInUser user) {
            return Optional.of(user);
        }
        return Optional.empty();
    }
}

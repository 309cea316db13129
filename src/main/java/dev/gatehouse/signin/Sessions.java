package dev.gatehouse.signin;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import dev.gatehouse.factor.FactorChanged;
import dev.gatehouse.factor.FactorRemoved;

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

    private final SecurityContextRepository repository = new HttpSessionSecurityContextRepository();
    private final SecurityContextHolderStrategy holder = SecurityContextHolder.getContextHolderStrategy();
    private final FindByIndexNameSessionRepository<? extends Session> sessions;

    Sessions(FindByIndexNameSessionRepository<? extends Session> sessions) {
        this.sessions = sessions;
    }

    /**
     * Signs the session in as {@code user}: a new session id (so an id planted before sign-in is worthless), the
     * pending sign-in removed, the security context saved.
     */
    void establish(HttpServletRequest request, HttpServletResponse response, SignedInUser user) {
        // Signed in, the session is indexed by its security context's name (the user id); the explicit index a
        // pending sign-in set would take precedence, so it goes, with the pending sign-in.
        renew(request, name -> !name.equals(PendingSignIn.ATTRIBUTE)
                && !name.equals(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME));
        SecurityContext context = holder.createEmptyContext();
        context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(user, null,
                AuthorityUtils.createAuthorityList("ROLE_USER")));
        holder.setContext(context);
        repository.saveContext(context, request, response);
    }

    /**
     * Leaves the session waiting for a second factor for {@code pending}'s user, under a new id. Whatever the session
     * held before ends here: a sign-in of someone else on this browser, their re-confirmation, their setups. Until the
     * second factor passes, the session is exactly like a signed-out one.
     */
    void awaitSecondFactor(HttpServletRequest request, PendingSignIn pending) {
        // Nothing survives the password step: not a previous user's sign-in or re-confirmation, and not the form
        // token either (like Spring Security's own sign-in, a new one is made at each step), so a token learnt from a
        // session planted before sign-in is worthless after it. (The page to return to is kept in a cookie.)
        HttpSession session = renew(request, name -> false);
        holder.clearContext();
        session.setAttribute(PendingSignIn.ATTRIBUTE, pending);
        // Indexed under the user like a signed-in session, so that "sign out everywhere" and a password change end
        // a sign-in that is only waiting for its second step too.
        session.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, pending.userId().toString());
    }

    /** Signs the session in at the end of a sign-in: {@link #establish}, and a new form token. */
    void signIn(HttpServletRequest request, HttpServletResponse response, SignedInUser user) {
        establish(request, response, user);
        request.getSession().removeAttribute(CSRF_TOKEN);
    }

    /** Replaces the principal of the current session (e.g. after a fresh second factor) and rotates its id. */
    public void update(HttpServletRequest request, HttpServletResponse response, SignedInUser user) {
        establish(request, response, user);
    }

    /**
     * Re-issues the current session without changing what it holds: a new row under a new id, the old row deleted
     * (e.g. after a re-confirmation with the password alone, which changes no principal).
     */
    public void rotate(HttpServletRequest request) {
        renew(request, name -> true);
    }

    /**
     * Moves the session to a new row under a new id, keeping the attributes {@code keep} accepts, and deletes the old
     * row at once (on every node). A concurrent request still holding the old session writes nowhere when it saves.
     */
    private static HttpSession renew(HttpServletRequest request, Predicate<String> keep) {
        HttpSession old = request.getSession(false);
        Map<String, Object> kept = new LinkedHashMap<>();
        if (old != null) {
            for (String name : Collections.list(old.getAttributeNames())) {
                if (keep.test(name)) {
                    kept.put(name, old.getAttribute(name));
                }
            }
            old.invalidate();
        }
        HttpSession fresh = request.getSession(true);
        kept.forEach(fresh::setAttribute);
        return fresh;
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
            endAll(userId, currentSessionId());
        } catch (RuntimeException e) {
            log.error("Could not end the other sessions of user {} after a change of their methods: {}", userId,
                    e.getClass().getSimpleName());
        }
    }

    /** The session of the request being served on this thread, if any. */
    private static String currentSessionId() {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            HttpSession session = attributes.getRequest().getSession(false);
            return session == null ? null : session.getId();
        }
        return null;
    }

    /** Ends every session of the user except {@code keepSessionId} (may be null to end all); returns how many. */
    public int endAll(UUID userId, String keepSessionId) {
        List<String> ids = sessions.findByPrincipalName(userId.toString()).keySet().stream()
                .filter(id -> !id.equals(keepSessionId)).toList();
        ids.forEach(sessions::deleteById);
        return ids.size();
    }
}

package dev.gatehouse.web.api;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.gatehouse.oidc.ApiScopes;
import dev.gatehouse.signin.Sessions;
import dev.gatehouse.signin.SignInService;
import dev.gatehouse.signin.SignedInSession;
import dev.gatehouse.signin.TrustedDevices;
import dev.gatehouse.user.User;

/**
 * A member's trusted devices and signed-in sessions: listed, and one ended, as the member can on their Security tab.
 * Ids are looked up among this member's own only: another user's device or session is the same 404 as one that never
 * existed. A session is named by a hash of the handle the pages use ({@link SignedInSession#reference()}), never by
 * its id (the cookie's value). Addresses are shown as their network (e.g. {@code 203.0.113.0/24}), as the Security tab
 * shows them, never whole. Ending one is audited on the member and the account, naming the client ({@link ApiActor}).
 */
@RestController
@RequestMapping(ApiPaths.ACCOUNT + "/users/{userId}")
class DevicesAndSessionsResource {

    private final MemberLookup lookup;
    private final TrustedDevices devices;
    private final Sessions sessions;
    private final SignInService signIn;
    private final ApiActor actor;

    DevicesAndSessionsResource(MemberLookup lookup, TrustedDevices devices, Sessions sessions, SignInService signIn,
                               ApiActor actor) {
        this.actor = actor;
        this.lookup = lookup;
        this.devices = devices;
        this.sessions = sessions;
        this.signIn = signIn;
    }

    /**
     * A browser the member asked to remember, trusted now.
     *
     * @param network   the network of its last use; empty when unknown
     * @param expiresAt when it stops being trusted under the period in force now
     */
    record DeviceView(UUID id, String browser, String network, Instant trustedAt, Instant lastUsedAt,
                      Instant expiresAt) {
    }

    /**
     * A signed-in session.
     *
     * @param id      names it for {@code DELETE}; null for a session signed in before sessions were recorded (only
     *                a password change or "sign out everywhere" ends it)
     * @param network the network it signed in from; empty when unknown
     */
    record SessionView(String id, String browser, String network, Instant signedInAt, Instant lastActiveAt) {
    }

    /** A list, in an object so that fields can be added later. */
    record Items<T>(List<T> items) {
    }

    @GetMapping("/devices")
    @RequiresScope(ApiScopes.USERS_READ)
    Items<DeviceView> listDevices(@PathVariable UUID accountId, @PathVariable UUID userId, ApiCaller caller) {
        lookup.member(caller, userId);
        return new Items<>(devices.list(userId).stream()
                .map(d -> new DeviceView(d.id(), d.browser(), d.network().prefix(), d.createdAt(), d.lastUsedAt(),
                        d.expiresAt()))
                .toList());
    }

    @DeleteMapping("/devices/{deviceId}")
    @RequiresScope(ApiScopes.USERS_WRITE)
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void removeDevice(@PathVariable UUID accountId, @PathVariable UUID userId, @PathVariable UUID deviceId,
                      ApiCaller caller, HttpServletRequest request) {
        User by = actor.of(caller);
        lookup.changeableEverywhere(caller, userId, by);
        if (!devices.removeFor(userId, deviceId, caller.accountId(), by.displayName(),
                ApiActor.client(request, caller))) {
            throw ApiProblem.notFound("No such trusted device of this user.");
        }
    }

    @GetMapping("/sessions")
    @RequiresScope(ApiScopes.USERS_READ)
    Items<SessionView> listSessions(@PathVariable UUID accountId, @PathVariable UUID userId, ApiCaller caller) {
        lookup.member(caller, userId);
        return new Items<>(sessions.list(userId).stream()
                .map(s -> new SessionView(s.reference().orElse(null), s.browser(), s.network().prefix(),
                        s.signedInAt(), s.lastActiveAt()))
                .toList());
    }

    @DeleteMapping("/sessions/{sessionId}")
    @RequiresScope(ApiScopes.USERS_WRITE)
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void endSession(@PathVariable UUID accountId, @PathVariable UUID userId, @PathVariable String sessionId,
                    ApiCaller caller, HttpServletRequest request) {
        User by = actor.of(caller);
        lookup.changeableEverywhere(caller, userId, by);
        if (!signIn.endSessionOf(userId, sessionId, caller.accountId(), by.displayName(),
                ApiActor.client(request, caller))) {
            throw ApiProblem.notFound("No such session of this user.");
        }
    }
}

package dev.gatehouse.oidc;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.stereotype.Component;

import dev.gatehouse.factor.FactorService;
import dev.gatehouse.signin.SignedInUser;
import dev.gatehouse.system.RateLimits;

/**
 * Whether the sign-in of a session is enough for an authorization request, and what it becomes in the authorization
 * ({@link OidcPrincipal}). The request's {@code prompt=login}, or a {@code max_age} older than the session's password,
 * needs a new sign-in; {@code acr_values} that the session has not reached need a second factor now, when the user has
 * one (a user without one cannot reach more, and gets a token whose {@code acr} says so).
 */
@Component
public class SignInChecks {

    /** What the session must do before the request is granted. */
    public enum Need {
        NOTHING,
        /** Prove a second factor now, on any device: {@link Acr#MFA_NOW} or another level was asked and not reached. */
        SECOND_FACTOR,
        /** Sign in again, password and second factor, trusted device or not. */
        SIGN_IN
    }

    private final FactorService factors;
    private final OidcProperties properties;
    private final RateLimits limits;
    private final Clock clock;

    SignInChecks(FactorService factors, OidcProperties properties, RateLimits limits, Clock clock) {
        this.factors = factors;
        this.properties = properties;
        this.limits = limits;
        this.clock = clock;
    }

    /**
     * The budget of one user's refreshes: 600 in 10 minutes and 20,000 a UTC day, over every application. Each
     * refresh keeps the hash of the refresh token and the ID token it replaced (reuse detection, the application's
     * sign-out) for the refresh token's life, so an application looping refreshes on its own authorization grew the
     * store by two rows a refresh (found by stop 37's review). An application refreshing once an access token ends
     * (10 minutes) on ten devices, in three applications, makes about 4,300 a day. Only the application holding the
     * refresh token can spend it, so no other site can lock a user out with it (a budget of code exchanges could be:
     * another site can send the user's browser through an application's sign-in, which exchanges a code each time;
     * found by stop 37's second attack; {@link AuthorizationCaps} bounds those rows instead).
     */
    public static List<RateLimits.Limit> refreshes(UUID userId) {
        return RateLimits.windowAndDay("refreshes:" + userId, Duration.ofMinutes(10), 600, 20_000);
    }

    /** When the user's budget of refreshes ({@link #refreshes}) is spent, the time it has room again. */
    public Optional<Instant> refreshesSpent(UUID userId) {
        return limits.full(refreshes(userId), clock.instant());
    }

    /** Counts one refresh against the user's budget ({@link #refreshes}). */
    public void refreshed(UUID userId) {
        limits.take(refreshes(userId), clock.instant());
    }

    /**
     * The session's sign-in as the authorization will remember it, and its {@code acr} as reached now.
     */
    public OidcPrincipal principal(SignedInUser user) {
        return new OidcPrincipal(user.userId(), user.email(), user.displayName(), user.signedInAt(),
                user.secondFactorAt(), String.join(" ", user.amr()), reached(user).value(), user.sessionsGeneration(),
                null, user.signIn());
    }

    public Need need(SignedInUser user, AuthorizeAsks asks) {
        return need(user.userId(), user.signedInAt(), reached(user), asks);
    }

    /** The same question for a sign-in already taken into a request (a {@code prompt=none} request is answered so). */
    public Need need(OidcPrincipal user, AuthorizeAsks asks) {
        return need(user.userId(), user.authTime(),
                Acr.reached(user.secondFactorAt(), user.amrValues(), clock.instant(), properties.freshFactor()), asks);
    }

    private Need need(UUID userId, Instant authTime, Acr reached, AuthorizeAsks asks) {
        if (asks.login() || asks.maxAge() != null && clock.instant().isAfter(authTime.plusSeconds(asks.maxAge()))) {
            return Need.SIGN_IN;
        }
        if (asks.weakestAccepted().filter(reached::below).isPresent() && factors.hasFactor(userId)) {
            return Need.SECOND_FACTOR;
        }
        return Need.NOTHING;
    }

    private Acr reached(SignedInUser user) {
        return Acr.reached(user.secondFactorAt(), user.amr(), clock.instant(), properties.freshFactor());
    }
}

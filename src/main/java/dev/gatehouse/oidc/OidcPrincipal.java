package dev.gatehouse.oidc;

import java.io.Serializable;
import java.security.Principal;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnore;

import org.springframework.security.core.AuthenticatedPrincipal;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;

/**
 * The signed-in user as an authorization remembers them: a snapshot taken when the authorization request was
 * granted, from which every token of that authorization (the first ID token and those issued on refresh) takes its
 * claims. Stored as JSON with the authorization (so any node can issue the tokens); the {@code amr} values are one
 * space-separated string for that reason.
 *
 * @param userId         the subject; never null
 * @param authTime       when the user last gave their password in this session ({@code auth_time}); never null
 * @param secondFactorAt when the session last proved a second factor; null if it never did
 * @param amr            RFC 8176 values of what this sign-in used, space-separated, e.g. {@code "pwd otp mfa"}
 * @param acr            the {@link Acr} value the session reached when the request was granted
 * @param sessionsGeneration the user's sessions generation the session was signed in under: once ending all their
 *                       sessions raised it, nothing of this authorization is honoured; 0 in one stored before
 *                       (boxed so that the JSON of those, which lacks it, still reads: never null once made)
 * @param browser        the browser key of the session the authorization was made in, as stops 32-35 recorded it for
 *                       an application's sign-out; no longer read or written (ending the sign-in covers it since stop
 *                       36), kept so that the JSON of those stored then still reads: null in every one made now
 * @param signIn         the sign-in the session was in ({@code SignedInUser.signIn()}): once that one session was
 *                       ended on its own (Sessions &gt; Sign out), nothing of this authorization is honoured either;
 *                       null in one stored before it was recorded
 */
public record OidcPrincipal(UUID userId, String email, String displayName, Instant authTime, Instant secondFactorAt,
                            String amr, String acr, Long sessionsGeneration, String browser, String signIn)
        implements AuthenticatedPrincipal, Serializable {

    public OidcPrincipal {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(authTime, "authTime");
        Objects.requireNonNull(amr, "amr");
        Objects.requireNonNull(acr, "acr");
        sessionsGeneration = sessionsGeneration == null ? 0L : sessionsGeneration;
    }

    /** The principal name: the user id, as for a signed-in session (consents and revocation go by it). */
    @Override
    @JsonIgnore
    public String getName() {
        return userId.toString();
    }

    /**
     * The sign-in {@code authorization} was granted to, as it stored it; empty for one of a client alone (client
     * credentials).
     */
    public static Optional<OidcPrincipal> of(OAuth2Authorization authorization) {
        return authorization.getAttribute(Principal.class.getName()) instanceof Authentication signedIn
                && signedIn.getPrincipal() instanceof OidcPrincipal user ? Optional.of(user) : Optional.empty();
    }

    public List<String> amrValues() {
        return Arrays.stream(amr.split(" ")).filter(s -> !s.isEmpty()).toList();
    }
}

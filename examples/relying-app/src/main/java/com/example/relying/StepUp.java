package com.example.relying;

import java.time.Duration;
import java.time.Instant;

import org.springframework.security.oauth2.core.oidc.OidcIdToken;

/**
 * Gatehouse's authentication levels ({@code acr}) that this application cares about, and when a sign-in is strong
 * enough for the step-up page.
 */
final class StepUp {

    /** A second factor proved within the last few minutes, on any device (a remembered one included). */
    static final String MFA_NOW = "urn:gatehouse:acr:mfa-now";

    /**
     * How long after the ID token was issued its {@code mfa-now} still counts here: Gatehouse's own window for "now"
     * (gatehouse.oidc.fresh-factor, 5 minutes by default).
     */
    static final Duration FRESH = Duration.ofMinutes(5);

    private StepUp() {
    }

    /** True when the token says a second factor was proved just now, and it is not older than {@link #FRESH}. */
    static boolean satisfiedBy(OidcIdToken token, Instant now) {
        Instant issued = token.getIssuedAt();
        return MFA_NOW.equals(token.getClaimAsString("acr")) && issued != null
                && !now.isAfter(issued.plus(FRESH));
    }
}

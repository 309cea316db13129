package dev.gatehouse.oidc;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The Authentication Context Class References Gatehouse puts in the {@code acr} claim and accepts in
 * {@code acr_values}, weakest first (docs/integration.md). Each says what the sign-in behind a token really did.
 */
public enum Acr {

    /** The password alone: the user has no second factor. */
    PASSWORD("urn:gatehouse:acr:password"),
    /** The password and a second factor, or the password on a device the user told Gatehouse to trust. */
    MFA("urn:gatehouse:acr:mfa"),
    /** The password and a second factor proved moments ago ({@code gatehouse.oidc.fresh-factor}), on any device. */
    MFA_NOW("urn:gatehouse:acr:mfa-now");

    /** The {@code amr} value Gatehouse uses for a device the user trusted, which RFC 8176 has no name for. */
    public static final String TRUSTED_DEVICE_AMR = dev.gatehouse.signin.SignedInUser.TRUSTED_DEVICE;

    private final String value;

    Acr(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    public static Optional<Acr> of(String value) {
        return Arrays.stream(values()).filter(a -> a.value.equals(value)).findFirst();
    }

    /**
     * What a session reaches at {@code now}: from when it last proved a second factor (null: never) and the
     * {@code amr} of its sign-in.
     */
    public static Acr reached(Instant secondFactorAt, List<String> amr, Instant now, Duration fresh) {
        if (secondFactorAt != null && now.isBefore(secondFactorAt.plus(fresh))) {
            return MFA_NOW;
        }
        return secondFactorAt != null || amr.contains(TRUSTED_DEVICE_AMR) ? MFA : PASSWORD;
    }

    public boolean below(Acr other) {
        return ordinal() < other.ordinal();
    }
}

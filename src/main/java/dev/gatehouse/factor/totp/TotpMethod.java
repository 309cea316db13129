package dev.gatehouse.factor.totp;

import java.time.Instant;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.UUID;

import org.springframework.stereotype.Component;

import dev.gatehouse.crypto.SecretSealer;
import dev.gatehouse.factor.EnrolledFactor;
import dev.gatehouse.factor.EnrollmentOutcome;
import dev.gatehouse.factor.FactorType;
import dev.gatehouse.factor.PendingEnrollment;
import dev.gatehouse.factor.SecretMethod;
import dev.gatehouse.factor.VerificationOutcome;
import dev.gatehouse.user.User;

/**
 * Authenticator apps (RFC 6238): 20-byte keys sealed under the server key, SHA-1, 6 digits, 30-second steps, one step
 * of drift either way. What every common app supports; the replay rule (a step is accepted once) is applied by the
 * core with the step this returns.
 */
@Component
public class TotpMethod implements SecretMethod {

    public static final FactorType TYPE = new FactorType("TOTP");

    static final String DISPLAY_NAME = "Authenticator app";

    private final SecretSealer sealer;
    private final TotpProperties properties;

    TotpMethod(SecretSealer sealer, TotpProperties properties) {
        this.sealer = sealer;
        this.properties = properties;
    }

    @Override
    public FactorType type() {
        return TYPE;
    }

    @Override
    public String displayName() {
        return DISPLAY_NAME;
    }

    @Override
    public PendingEnrollment startEnrollment(User user, Instant now) {
        byte[] secret = TotpKey.newSecret();
        try {
            return new PendingEnrollment(user.id(), TYPE, sealer.seal(secret, context(user.id())), null, now);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** The QR code and key for a setup of this user. */
    public TotpSetup setup(User user, PendingEnrollment pending) {
        byte[] secret = open(pending.sealedSecret(), user.id());
        try {
            String base32 = TotpKey.base32(secret);
            String uri = new OtpAuthUri(properties.issuer(), user.email(), base32).toUri();
            return new TotpSetup(uri, base32, TotpKey.grouped(base32), QrCodes.svgDataUri(uri));
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    @Override
    public EnrollmentOutcome finishEnrollment(User user, PendingEnrollment pending, String response, Instant now) {
        OptionalLong step = match(pending.sealedSecret(), user.id(), response, now, Long.MIN_VALUE);
        if (step.isEmpty()) {
            return new EnrollmentOutcome.Rejected("totp.setup.wrongCode");
        }
        // The setup code's step counts as used, so the same code cannot also pass a sign-in.
        return new EnrollmentOutcome.Enrolled(DISPLAY_NAME, pending.sealedSecret(), null, step.getAsLong());
    }

    @Override
    public VerificationOutcome verify(EnrolledFactor factor, String response, Instant now) {
        long last = factor.lastUsedStep() == null ? Long.MIN_VALUE : factor.lastUsedStep();
        OptionalLong step = match(factor.sealedSecret(), factor.userId(), response, now, last);
        return step.isPresent() ? new VerificationOutcome.Accepted(step.getAsLong()) : new VerificationOutcome.Rejected();
    }

    private OptionalLong match(String sealed, UUID userId, String response, Instant now, long lastUsedStep) {
        byte[] secret = open(sealed, userId);
        try {
            return TotpCodes.matchingStep(secret, response, now, lastUsedStep);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    private byte[] open(String sealed, UUID userId) {
        return sealer.open(sealed, context(userId));
    }

    /** Binds a sealed key to its user: a key copied onto another user's row does not open. */
    private static String context(UUID userId) {
        return "totp:" + userId;
    }
}

package dev.gatehouse.factor;

import java.time.Instant;
import java.util.Objects;

/**
 * The state of a challenge, as pages show it: where the latest code went, until when it works, and from when a new
 * one may be sent. Never holds the code.
 *
 * @param destination the address or number the latest code went to (canonical form; mask it before the second step)
 * @param sends       how many codes this challenge has sent
 * @param resendAt    from when "Send a new code" sends one (the cooldown, counted on the server)
 * @param used        whether a right code was already typed (the challenge is over)
 */
public record CodeChallenge(FactorType type, CodePurpose purpose, String destination, int sends, Instant sentAt,
                            Instant expiresAt, Instant resendAt, boolean used) {

    public CodeChallenge {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(sentAt, "sentAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(resendAt, "resendAt");
    }

    public boolean expired(Instant now) {
        return !now.isBefore(expiresAt);
    }

    public boolean canResend(Instant now) {
        return !used && !now.isBefore(resendAt);
    }
}

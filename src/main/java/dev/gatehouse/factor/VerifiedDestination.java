package dev.gatehouse.factor;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import dev.gatehouse.crypto.SecretSealer;

/**
 * The proof {@link FactorService#finishEnrollment} asks of a {@link SentCodeMethod} setup: only {@link CodeChallenges}, after a code sent
 * to the destination was typed back, seals the destination for the user and the method under the server key. A
 * pending setup without that seal, or with the seal of another user, method or destination, is refused, so no path
 * can turn a method on for an address nobody proved.
 */
public final class VerifiedDestination {

    private VerifiedDestination() {
    }

    static PendingEnrollment pending(SecretSealer sealer, UUID userId, FactorType type, String destination,
                                     Instant startedAt) {
        String seal = sealer.seal(destination.getBytes(StandardCharsets.UTF_8), context(userId, type));
        return new PendingEnrollment(userId, type, seal, destination, startedAt);
    }

    /** Whether {@code pending} carries the core's proof for its own user, method and destination. */
    static boolean proves(SecretSealer sealer, PendingEnrollment pending) {
        if (pending.sealedSecret() == null || pending.publicData() == null) {
            return false;
        }
        try {
            byte[] opened = sealer.open(pending.sealedSecret(), context(pending.userId(), pending.type()));
            return new String(opened, StandardCharsets.UTF_8).equals(pending.publicData());
        } catch (IllegalStateException notOurs) {
            return false;
        }
    }

    private static String context(UUID userId, FactorType type) {
        return "verified-destination:" + type.name() + ":" + userId;
    }
}

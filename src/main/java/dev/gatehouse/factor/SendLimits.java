package dev.gatehouse.factor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import dev.gatehouse.system.RateLimits;
import dev.gatehouse.system.RateLimits.Limit;

/**
 * The abuse limits on sending codes, per user and per IP network, each in a short window and a UTC day (see
 * {@link CodeProperties}), counted by {@link RateLimits}.
 */
@Component
class SendLimits {

    private final RateLimits rateLimits;
    private final CodeProperties properties;

    SendLimits(RateLimits rateLimits, CodeProperties properties) {
        this.rateLimits = rateLimits;
        this.properties = properties;
    }

    /**
     * Takes one send from every limit of the user and the address ({@code ip} may be empty: no address limit). Empty
     * when every limit had room; otherwise when sending is possible again (and nothing was taken).
     */
    @Transactional(propagation = Propagation.MANDATORY)
    Optional<Instant> take(UUID userId, String ip, Instant now) {
        List<Limit> limits = new ArrayList<>(RateLimits.windowAndDay("user:" + userId, properties.limitWindow(),
                properties.userSendsPerWindow(), properties.userSendsPerDay()));
        limits.addAll(RateLimits.perNetwork("ip", ip, properties.limitWindow(), properties.ipSendsPerWindow(),
                properties.ipSendsPerDay()));
        return rateLimits.take(limits, now);
    }

    /** Forgets windows that ended long ago. */
    int deleteEndedBefore(Instant before) {
        return rateLimits.deleteEndedBefore(before);
    }
}

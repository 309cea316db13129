package dev.gatehouse.factor;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import dev.gatehouse.crypto.SecretSealer;
import dev.gatehouse.system.RateLimits;
import dev.gatehouse.system.RateLimits.Limit;

/**
 * The abuse limits on sending codes (see {@link CodeProperties} for their sizes), each in a short window and a UTC
 * day, counted by {@link RateLimits}: the user's own budget per channel and purpose, the network's, and for setup
 * codes (to a destination nobody has proved yet) the destination's and its country's.
 */
@Component
class SendLimits {

    private final RateLimits rateLimits;
    private final SecretSealer sealer;
    private final CodeProperties properties;

    SendLimits(RateLimits rateLimits, SecretSealer sealer, CodeProperties properties) {
        this.rateLimits = rateLimits;
        this.sealer = sealer;
        this.properties = properties;
    }

    /**
     * One code about to be sent, as the limits see it.
     *
     * @param channel     how the code travels: the method's type (its codes never share a budget with another's)
     * @param destination where it goes (an address, an E.164 number), already checked by the method
     * @param region      the destination's country (a phone number's), or null when it has none
     * @param proven      the user has already proved they receive at this destination (their sign-in address, their
     *                    verified phone on file): a setup code to it is not one to a stranger's number, so the
     *                    destination's and country's setup limits do not count it, and strangers who fill those
     *                    limits cannot keep its owner from setting up a method on it
     */
    record Send(UUID userId, FactorType channel, CodePurpose purpose, String destination, String region,
                boolean proven) {
        Send {
            Objects.requireNonNull(userId, "userId");
            Objects.requireNonNull(channel, "channel");
            Objects.requireNonNull(purpose, "purpose");
            Objects.requireNonNull(destination, "destination");
        }

        Send(UUID userId, FactorType channel, CodePurpose purpose, String destination, String region) {
            this(userId, channel, purpose, destination, region, false);
        }
    }

    /**
     * Takes one send from every limit that applies ({@code ip} may be empty: no network limit). Empty when every limit
     * had room; otherwise which limit was full and when sending is possible again (and nothing was taken).
     */
    @Transactional(propagation = Propagation.MANDATORY)
    Optional<CodeSend.LimitReached> take(Send send, String ip, Instant now) {
        Map<Limit, CodeSend.Budget> limits = new LinkedHashMap<>();
        add(limits, CodeSend.Budget.USER, RateLimits.windowAndDay("user:" + send.userId() + ":" + send.channel().name()
                + ":" + send.purpose().name(), properties.limitWindow(), properties.userSendsPerWindow(),
                properties.userSendsPerDay()));
        add(limits, CodeSend.Budget.NETWORK, RateLimits.perNetwork("ip", ip, properties.limitWindow(),
                properties.ipSendsPerWindow(), properties.ipSendsPerDay()));
        if (send.purpose() == CodePurpose.SETUP && !send.proven()) {
            add(limits, CodeSend.Budget.DESTINATION, RateLimits.windowAndDay("setup-to:" + destinationKey(send),
                    properties.limitWindow(), properties.destinationSetupSendsPerWindow(),
                    properties.destinationSetupSendsPerDay()));
            if (send.region() != null) {
                add(limits, CodeSend.Budget.COUNTRY, RateLimits.windowAndDay("setup-country:" + send.region(),
                        properties.limitWindow(), properties.countrySetupSendsPerWindow(),
                        properties.countrySetupSendsPerDay()));
            }
        }
        return rateLimits.tryTake(List.copyOf(limits.keySet()), now)
                .map(refusal -> new CodeSend.LimitReached(refusal.until(), limits.get(refusal.limit())));
    }

    private static void add(Map<Limit, CodeSend.Budget> limits, CodeSend.Budget budget, List<Limit> some) {
        some.forEach(limit -> limits.put(limit, budget));
    }

    /**
     * The destination as a keyed hash (its MAC part, a fixed 43 characters): the counters table never holds an
     * address or a number, and a copy of it cannot be matched against a list of numbers without the key.
     */
    private String destinationKey(Send send) {
        String hash = sealer.keyedHash(send.destination().toLowerCase(Locale.ROOT), "code-destination");
        return hash.substring(hash.lastIndexOf('.') + 1);
    }

    /** Forgets windows that ended long ago. */
    int deleteEndedBefore(Instant before) {
        return rateLimits.deleteEndedBefore(before);
    }
}

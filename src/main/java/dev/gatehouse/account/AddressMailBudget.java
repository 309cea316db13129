package dev.gatehouse.account;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.springframework.stereotype.Component;

import dev.gatehouse.crypto.SecretSealer;
import dev.gatehouse.system.Inputs;
import dev.gatehouse.system.RateLimits;

/**
 * Emails an account's managers can send to an address the account typed in (an invitation, a link confirming an
 * extra alert address), counted per address over every account: anyone can sign up and so manage an account, and
 * without a cap "Send again" or removing and adding an address would let them fill a stranger's inbox. A real
 * invitation or confirmation is sent once, and again once or twice. The address is counted by a keyed hash, so the
 * counters never hold it.
 */
@Component
class AddressMailBudget {

    static final int PER_HOUR = 3;
    static final int PER_DAY = 10;

    private final RateLimits rateLimits;
    private final SecretSealer sealer;

    AddressMailBudget(RateLimits rateLimits, SecretSealer sealer) {
        this.rateLimits = rateLimits;
        this.sealer = sealer;
    }

    /** Takes one email to {@code address}; when there is no room, nothing is taken and the time there is again. */
    Optional<Instant> take(String address, Instant now) {
        String hash = sealer.keyedHash(Inputs.normalizeEmail(address), "account-mail-address");
        return rateLimits.take(RateLimits.windowAndDay("account-mail-to:" + hash.substring(hash.lastIndexOf('.') + 1),
                Duration.ofHours(1), PER_HOUR, PER_DAY), now);
    }
}

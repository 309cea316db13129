package dev.gatehouse.account;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.stereotype.Component;

import dev.gatehouse.crypto.SecretSealer;
import dev.gatehouse.system.Inputs;
import dev.gatehouse.system.RateLimits;

/**
 * Emails an account's managers can send to an address the account typed in (an invitation, a link confirming an
 * extra alert address), counted per address over every account and per account over every address: anyone can sign
 * up and so manage an account, and without a cap "Send again" or removing and adding an address would let them fill a
 * stranger's inbox, and inviting address after address would let one account mail the world. A real invitation or
 * confirmation is sent once, and again once or twice. The address is counted by a keyed hash, so the counters never
 * hold it.
 */
@Component
class AddressMailBudget {

    static final int PER_HOUR = 3;
    static final int PER_DAY = 10;

    private final RateLimits rateLimits;
    private final SecretSealer sealer;
    private final AccountRulesProperties limits;

    AddressMailBudget(RateLimits rateLimits, SecretSealer sealer, AccountRulesProperties limits) {
        this.rateLimits = rateLimits;
        this.sealer = sealer;
        this.limits = limits;
    }

    /** No room for another email: until when, and whether the account's own budget is the one used up. */
    record Busy(Instant until, boolean account) {
    }

    /**
     * Takes one email from {@code accountId} to {@code address}; when either has no room, nothing is taken and the
     * answer says which and until when.
     */
    Optional<Busy> take(UUID accountId, String address, Instant now) {
        List<RateLimits.Limit> account = RateLimits.windowAndDay("account-mail-from:" + accountId,
                Duration.ofHours(1), limits.mailsPerHour(), limits.mailsPerDay());
        Optional<Instant> accountBusy = rateLimits.take(account, now);
        if (accountBusy.isPresent()) {
            return Optional.of(new Busy(accountBusy.get(), true));
        }
        String hash = sealer.keyedHash(Inputs.normalizeEmail(address), "account-mail-address");
        Optional<Instant> addressBusy = rateLimits.take(RateLimits.windowAndDay("account-mail-to:"
                + hash.substring(hash.lastIndexOf('.') + 1), Duration.ofHours(1), PER_HOUR, PER_DAY), now);
        if (addressBusy.isPresent()) {
            rateLimits.giveBack(account, now);
            return Optional.of(new Busy(addressBusy.get(), false));
        }
        return Optional.empty();
    }
}

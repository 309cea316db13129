package dev.gatehouse.signin;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.springframework.stereotype.Component;

import dev.gatehouse.account.MemberRules;
import dev.gatehouse.account.SecurityRulesService;
import dev.gatehouse.factor.SecondFactors;

/**
 * Whether a signed-in user must set up two-step verification before anything else: an account of theirs requires it
 * and they have no method it allows (a method their accounts do not allow counts as none). During the grace period
 * the admins chose, the user may postpone it for the rest of the session ("Not now"); after it, they cannot.
 */
@Component
public class TwoFactorRequirement {

    /** Session attribute: the user who chose "Not now" in this session. */
    static final String POSTPONED = "gatehouse.setupPostponed";

    private final SecurityRulesService rules;
    private final SecondFactors methods;
    private final Clock clock;

    TwoFactorRequirement(SecurityRulesService rules, SecondFactors methods, Clock clock) {
        this.rules = rules;
        this.methods = methods;
        this.clock = clock;
    }

    /**
     * Where the user stands: {@code unmet} when a rule requires a method they do not have; {@code skipUntil} until
     * when they may still postpone it (null: they may not); {@code requiredBy} the account that asks; {@code
     * disagreeing} the requiring accounts that allow no method in common (empty unless so: then nothing can be set up
     * here, and the page says which accounts to ask).
     */
    public record Status(boolean unmet, Instant skipUntil, String requiredBy, List<String> disagreeing) {
        public static final Status MET = new Status(false, null, null, List.of());

        public Status {
            disagreeing = List.copyOf(disagreeing);
        }

        public boolean disagree() {
            return !disagreeing.isEmpty();
        }
    }

    public Status status(UUID userId) {
        MemberRules held = rules.rulesFor(userId);
        java.util.Optional<String> unmetBy = held.unmetBy(methods.ordered(userId).stream()
                .map(m -> m.type().name()).toList());
        if (unmetBy.isEmpty()) {
            return Status.MET;
        }
        Instant now = clock.instant();
        return new Status(true, held.maySkipAt(now) ? held.skipUntil() : null,
                unmetBy.get(),
                held.disagree() ? held.limits().stream().map(MemberRules.Limit::account).distinct().toList()
                        : List.of());
    }

    /** Whether the user must set up a method before going anywhere but the pages where one is set up. */
    public boolean blocks(UUID userId, BrowserSession browser) {
        return blocks(status(userId), userId, browser);
    }

    /** As {@link #blocks(UUID, BrowserSession)}, for a status already read. */
    public boolean blocks(Status status, UUID userId, BrowserSession browser) {
        if (!status.unmet()) {
            return false;
        }
        boolean postponed = browser.attribute(POSTPONED, UUID.class).filter(userId::equals).isPresent();
        return !(postponed && status.skipUntil() != null);
    }

    /** "Not now": postpones the setup for this session; false (and nothing done) when the grace period is over. */
    public boolean postpone(UUID userId, BrowserSession browser) {
        Status status = status(userId);
        if (!status.unmet() || status.skipUntil() == null) {
            return false;
        }
        browser.setAttribute(POSTPONED, userId);
        return true;
    }
}

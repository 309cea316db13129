package dev.gatehouse.account;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The rules one user is held to: the strictest of their accounts' (a user in no account is held to none). Two-step
 * verification is required when any account requires it; the methods that may be added are those every account
 * allows, or, when the accounts allow no method in common, those any of them allows (so the user is never left with
 * nothing to set up; docs/decisions.md); the trust period is the shortest. The requirement is met only by a method
 * that every requiring account allows, or, when they allow none in common, by one of each one's: joining another
 * account never lets a user meet one account's rules with a method it does not allow.
 *
 * @param required    some account requires two-step verification
 * @param skipUntil   until when a user without a method may still skip setting one up (the earliest end of the
 *                    requiring accounts' grace periods); null when they may not skip at all
 * @param allowed     the method names that may be added; empty means every method
 * @param requiredBy  the name of an account that requires it (the first by name), for the page to say who
 * @param limits      the method names each requiring account that limits them allows (one entry per account)
 */
public record MemberRules(boolean required, Instant skipUntil, Set<String> allowed, Optional<String> requiredBy,
                          List<Limit> limits) {

    public static final MemberRules NONE = new MemberRules(false, null, Set.of(), Optional.empty(), List.of());

    /** One requiring account's allowed methods, by its name (names need not be unique: one entry per account). */
    public record Limit(String account, Set<String> allowed) {
        public Limit {
            allowed = Set.copyOf(allowed);
        }
    }

    public MemberRules {
        limits = List.copyOf(limits);
    }

    public boolean allows(String name) {
        return allowed.isEmpty() || allowed.contains(name);
    }

    /**
     * The requiring account whose rules the user's methods (by type name) do not meet, if any: none allowed, or,
     * when the accounts allow no method in common, none of that account's. Empty when met or nothing is required.
     */
    public Optional<String> unmetBy(Collection<String> methods) {
        if (!required) {
            return Optional.empty();
        }
        if (methods.stream().noneMatch(this::allows)) {
            return Optional.of(requiredBy.orElse(""));
        }
        return limits.stream().filter(limit -> methods.stream().noneMatch(limit.allowed()::contains))
                .map(Limit::account).findFirst();
    }

    /** Whether a user without a method may still go on without one at {@code now}. */
    public boolean maySkipAt(Instant now) {
        return !required || skipUntil != null && now.isBefore(skipUntil);
    }
}

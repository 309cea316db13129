package dev.gatehouse.account;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The rules one user is held to: the strictest of their accounts' (a user in no account is held to none). Two-step
 * verification is required when any account requires it; the methods that may be added are those every requiring
 * account allows; the trust period is the shortest. The requirement is met by a method of those, and never by a
 * method a requiring account does not allow. When the requiring accounts allow no method in common (they
 * {@linkplain #disagree() disagree}), nothing can be added and the requirement is met only by methods the user already
 * has, one that each account allows: joining or creating another account never lets a user add, or meet one
 * account's rule with, a method that account does not allow (docs/decisions.md).
 *
 * @param required    some account requires two-step verification
 * @param skipUntil   until when a user without a method may still skip setting one up (the earliest end of the
 *                    requiring accounts' grace periods); null when they may not skip at all
 * @param allowed     the method names every limiting account allows; empty means every method (unless they disagree)
 * @param requiredBy  the name of an account that requires it (the first by name), for the page to say who; present
 *                    whenever {@code required}
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
        allowed = Set.copyOf(allowed);
        limits = List.copyOf(limits);
    }

    /** The requiring accounts limit methods and no method is allowed by all of them. */
    public boolean disagree() {
        return allowed.isEmpty() && limits.size() > 1;
    }

    /** Whether a method of this type may be added (never while the accounts disagree). */
    public boolean allows(String name) {
        return !disagree() && (allowed.isEmpty() || allowed.contains(name));
    }

    /**
     * The requiring account whose rule the user's methods (by type name) do not meet, if any: first an account none of
     * whose methods the user has, then, while the accounts agree, one when the user has no method they all allow.
     * Empty when met or nothing is required.
     */
    public Optional<String> unmetBy(Collection<String> methods) {
        if (!required) {
            return Optional.empty();
        }
        Optional<String> unmet = limits.stream().filter(limit -> methods.stream().noneMatch(limit.allowed()::contains))
                .map(Limit::account).findFirst();
        if (unmet.isPresent() || disagree()) {
            return unmet;
        }
        return methods.stream().anyMatch(this::allows) ? Optional.empty() : requiredBy;
    }

    /** Whether a user without a method may still go on without one at {@code now}. */
    public boolean maySkipAt(Instant now) {
        return !required || skipUntil != null && now.isBefore(skipUntil);
    }
}

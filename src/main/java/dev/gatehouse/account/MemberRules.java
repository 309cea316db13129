package dev.gatehouse.account;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * The rules one user is held to: the strictest of their accounts' (a user in no account is held to none). Two-step
 * verification is required when any account requires it; the methods allowed are those every account allows, or,
 * when the accounts allow no method in common, those any of them allows (so the user is never left with nothing to
 * set up; docs/decisions.md); the trust period is the shortest.
 *
 * @param required    some account requires two-step verification
 * @param skipUntil   until when a user without a method may still skip setting one up (the earliest end of the
 *                    requiring accounts' grace periods); null when they may not skip at all
 * @param allowed     the method names allowed; empty means every method
 * @param requiredBy  the name of an account that requires it (the first by name), for the page to say who
 */
public record MemberRules(boolean required, Instant skipUntil, Set<String> allowed, Optional<String> requiredBy) {

    public static final MemberRules NONE = new MemberRules(false, null, Set.of(), Optional.empty());

    public boolean allows(String name) {
        return allowed.isEmpty() || allowed.contains(name);
    }

    /** Whether a user without a method may still go on without one at {@code now}. */
    public boolean maySkipAt(Instant now) {
        return !required || skipUntil != null && now.isBefore(skipUntil);
    }
}

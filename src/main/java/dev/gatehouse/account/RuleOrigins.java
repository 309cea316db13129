package dev.gatehouse.account;

import java.util.List;
import java.util.Optional;

/**
 * Which of a user's accounts set each rule they are held to, so the Security page can say so (a user in several
 * accounts otherwise cannot tell why a method is missing or a device is forgotten sooner).
 *
 * @param requiredBy       the accounts that require two-step verification, by name
 * @param methodsLimitedBy the accounts whose choice of methods limits what the user may add, by name
 * @param trustSetBy       the account whose trust period is the one that applies (the shortest; the first by name
 *                         on a tie); empty for a user in no account
 */
public record RuleOrigins(List<String> requiredBy, List<String> methodsLimitedBy, Optional<String> trustSetBy) {

    public static final RuleOrigins NONE = new RuleOrigins(List.of(), List.of(), Optional.empty());

    public RuleOrigins {
        requiredBy = List.copyOf(requiredBy);
        methodsLimitedBy = List.copyOf(methodsLimitedBy);
    }
}

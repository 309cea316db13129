package dev.gatehouse.factor;

import java.util.UUID;
import java.util.function.Predicate;

import org.springframework.stereotype.Component;

import dev.gatehouse.account.MemberRules;
import dev.gatehouse.account.SecurityRulesService;

/**
 * Which methods a user may add, by the rules of their accounts (Account > Settings > Security). Checked when a setup
 * starts, so the page says so at once, and again where a method's row is written, inside its transaction, so a form
 * posted directly cannot add one either. A method the user already has keeps working: a disallowed method is never
 * taken away at sign-in (docs/decisions.md).
 */
@Component
public class MethodRules {

    /** The message key shown when a setup is refused for this reason. */
    public static final String NOT_ALLOWED = "rules.method.notAllowed";

    private final SecurityRulesService rules;

    MethodRules(SecurityRulesService rules) {
        this.rules = rules;
    }

    /** Whether the user's accounts let them add a method of this type. */
    public boolean mayAdd(UUID userId, FactorType type) {
        return addable(userId).test(type);
    }

    /** The types the user's accounts let them add, read once (for a page that asks about every method). */
    public Predicate<FactorType> addable(UUID userId) {
        MemberRules held = rules.rulesFor(userId);
        return type -> held.allows(type.name());
    }

    /** Whether an account of the user requires two-step verification (by its admins or a condition). */
    public boolean required(UUID userId) {
        return rules.rulesFor(userId).required();
    }
}

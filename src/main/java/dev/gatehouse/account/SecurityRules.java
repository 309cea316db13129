package dev.gatehouse.account;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One account's two-step verification rules, as its owners and admins set them.
 *
 * @param requireTwoFactor every member must have a method
 * @param graceDays        how long a member without one may still skip setting one up: 0, 1, 3, 7 or 14 days
 * @param allowedMethods   the method names members may use (e.g. {@code TOTP}); empty means every method
 * @param trustPeriod      how long "remember this device" lasts
 * @param requiredSince    when the requirement was last turned on; null while it is off
 * @param ordersPlacedAt   when the relying application reported the account's first order; null before. From then
 *                         on two-step verification is required whatever {@code requireTwoFactor} says
 */
public record SecurityRules(boolean requireTwoFactor, int graceDays, Set<String> allowedMethods,
                            DeviceTrustPeriod trustPeriod, Instant requiredSince, Instant ordersPlacedAt) {

    /** The grace periods an admin may choose, in days, shortest first. */
    public static final List<Integer> GRACE_DAYS = List.of(0, 1, 3, 7, 14);

    public SecurityRules {
        allowedMethods = Set.copyOf(new TreeSet<>(allowedMethods));
    }

    /** Whether a condition (orders placed) requires two-step verification, whatever the admins' switch says. */
    public boolean requiredByCondition() {
        return ordersPlacedAt != null;
    }

    /** Whether members must have a method: by the admins' switch or by a condition. */
    public boolean required() {
        return requireTwoFactor || requiredByCondition();
    }

    /** Whether members may use the method {@code name}. */
    public boolean allows(String name) {
        return allowedMethods.isEmpty() || allowedMethods.contains(name);
    }
}

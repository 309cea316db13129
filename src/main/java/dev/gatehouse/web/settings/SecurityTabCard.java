package dev.gatehouse.web.settings;

import java.util.UUID;

import dev.gatehouse.factor.FactorType;

/**
 * What the Security tab shows of one method: a bean beside the method's settings page (its web sub-package) gives
 * the data; the method's own {@code MethodTraits.settingsFragment} renders it as {@code card.view()}. The tab itself
 * iterates over the registered methods and names none.
 */
public interface SecurityTabCard {

    FactorType type();

    /** What the method's fragment shows for this user; may be null (e.g. the method is off). */
    Object view(UUID userId);

    /** One card on the page: the method's fragment and its data. */
    record Shown(FactorType type, String fragment, Object view) {
    }
}

package dev.gatehouse.account;

import java.util.List;

/**
 * Who receives an account's security alerts (rules changed, a member's two-step verification reset, a member locked
 * out of code entry): its owners and/or its admins, and the extra addresses, each receiving alerts once confirmed.
 */
public record AlertSettings(boolean owners, boolean admins, List<AlertAddress> addresses) {

    public AlertSettings {
        addresses = List.copyOf(addresses);
    }
}

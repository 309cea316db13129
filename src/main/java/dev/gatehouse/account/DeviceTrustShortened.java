package dev.gatehouse.account;

import java.util.List;
import java.util.UUID;

/**
 * The devices these users trust may from now on be trusted for at most {@code period} from when each was added: an
 * account of theirs shortened its trust period, or they joined an account whose period is shorter than the longest.
 * Published in the change's transaction; the trusted devices cut their own end ({@code signin.TrustedDevices}), so
 * that trust a shorter period ended never comes back when the period grows again or the user leaves that account.
 */
public record DeviceTrustShortened(List<UUID> userIds, DeviceTrustPeriod period) {

    public DeviceTrustShortened {
        userIds = List.copyOf(userIds);
    }
}

package dev.gatehouse.notify;

import java.time.ZoneId;
import java.util.Optional;

/**
 * The time zone of whoever reads an address, so an email states its times in it. Provided by the module that knows
 * people ({@code user}); without one, or for an address nobody signs in with, emails say UTC.
 */
public interface RecipientZones {

    /** The zone of the user who signs in with {@code address}; empty when none is known. Never null. */
    Optional<ZoneId> zoneOf(String address);
}

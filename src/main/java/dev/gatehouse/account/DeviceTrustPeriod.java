package dev.gatehouse.account;

import java.time.Duration;

/**
 * How long a browser may skip the second factor after "Remember this device", set per account by its admins. Declared
 * shortest first: for a user in several accounts the shortest of their accounts' periods applies.
 */
public enum DeviceTrustPeriod {
    /** Never remembered: every sign-in asks for the second factor, and the checkbox is not offered. */
    THIS_SIGN_IN(Duration.ZERO, "this sign-in only"),
    ONE_DAY(Duration.ofDays(1), "1 day"),
    ONE_WEEK(Duration.ofDays(7), "1 week"),
    THIRTY_DAYS(Duration.ofDays(30), "30 days");

    /** A new account's period, and the period of a user who belongs to no account. */
    public static final DeviceTrustPeriod DEFAULT = THIRTY_DAYS;

    private final Duration duration;
    private final String displayName;

    DeviceTrustPeriod(Duration duration, String displayName) {
        this.duration = duration;
        this.displayName = displayName;
    }

    /** The longest period of all: no trusted device can be older and still trusted, whatever the setting. */
    public static Duration longest() {
        return THIRTY_DAYS.duration;
    }

    /** The English words used in emails ("30 days"); pages use the message key {@code devices.period.<NAME>}. */
    public String displayName() {
        return displayName;
    }

    public Duration duration() {
        return duration;
    }

    /** Whether a device may be remembered at all. */
    public boolean allowsTrust() {
        return !duration.isZero();
    }
}

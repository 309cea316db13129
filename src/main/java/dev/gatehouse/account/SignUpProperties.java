package dev.gatehouse.account;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Limits on sign-up emails, so that the sign-up form cannot be used to flood an inbox or to send our mail on someone
 * else's behalf. Counted in fixed windows (hour, UTC day) across all nodes.
 *
 * @param emailsPerAddressPerHour sign-up emails (link or "you already have an account") to one address per hour;
 *                                default 3. Past it the form answers as always and sends nothing, so the answer
 *                                still tells nothing about the address
 * @param emailsPerAddressPerDay  the same per day; default 10
 * @param requestsPerNetworkPerHour sign-ups from one network (an IPv4 address, an IPv6 /64) per hour; default 20.
 *                                Past it the form says to try again later
 * @param requestsPerNetworkPerDay the same per day; default 100
 */
@ConfigurationProperties("gatehouse.signup")
public record SignUpProperties(@DefaultValue("3") int emailsPerAddressPerHour,
                               @DefaultValue("10") int emailsPerAddressPerDay,
                               @DefaultValue("20") int requestsPerNetworkPerHour,
                               @DefaultValue("100") int requestsPerNetworkPerDay) {

    public SignUpProperties {
        if (emailsPerAddressPerHour < 1 || emailsPerAddressPerDay < 1 || requestsPerNetworkPerHour < 1
                || requestsPerNetworkPerDay < 1) {
            throw new IllegalArgumentException("gatehouse.signup: every limit must be at least 1");
        }
    }
}

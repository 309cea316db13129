package dev.gatehouse.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Per-address send limits count an IPv6 client by its /64, so rotating addresses inside it gains nothing. */
class RateLimitsNetworkTest {

    @Test
    void networkWhenIpv6ThenItsSlash64() {
        assertThat(RateLimits.network("2001:db8:1:2:aaaa::1")).isEqualTo("2001:0db8:0001:0002::/64")
                .isEqualTo(RateLimits.network("2001:0DB8:0001:0002:ffff:eeee:dddd:7"));
        assertThat(RateLimits.network("2001:db8:1:3::1")).isNotEqualTo(RateLimits.network("2001:db8:1:2::1"));
        assertThat(RateLimits.network("::1")).isEqualTo("0000:0000:0000:0000::/64");
    }

    @Test
    void networkWhenIpv4OrMappedOrNotAnAddressThenAsWritten() {
        assertThat(RateLimits.network("198.51.100.7")).isEqualTo("198.51.100.7");
        assertThat(RateLimits.network("::ffff:198.51.100.7")).isEqualTo("198.51.100.7");
        assertThat(RateLimits.network("unknown")).isEqualTo("unknown");
        assertThat(RateLimits.network("fe80::1%eth0")).isEqualTo("fe80::1%eth0");
        assertThat(RateLimits.network("example.com:80")).as("never looked up").isEqualTo("example.com:80");
    }

    @Test
    void perNetworkWhenIpv6ThenItsSlash64AndItsSlash48WithFourTimesTheBudget() {
        List<RateLimits.Limit> limits = RateLimits.perNetwork("pw-net", "2001:db8:1:2::7", Duration.ofMinutes(10), 30, 300);
        assertThat(limits).extracting(RateLimits.Limit::scope, RateLimits.Limit::max).containsExactly(
                tuple("pw-net:2001:0db8:0001:0002::/64/PT10M", 30), tuple("pw-net:2001:0db8:0001:0002::/64/P1D", 300),
                tuple("pw-net:2001:0db8:0001::/48/PT10M", 120), tuple("pw-net:2001:0db8:0001::/48/P1D", 1200));
    }

    @Test
    void perNetworkWhenIpv4OrUnknownThenItsAddressOnlyOrNothing() {
        assertThat(RateLimits.perNetwork("ip", "198.51.100.7", Duration.ofMinutes(15), 30, 200))
                .extracting(RateLimits.Limit::scope).containsExactly("ip:198.51.100.7/PT15M", "ip:198.51.100.7/P1D");
        assertThat(RateLimits.perNetwork("ip", "::ffff:198.51.100.7", Duration.ofMinutes(15), 30, 200))
                .as("IPv4 written as IPv6 has no /48").hasSize(2);
        assertThat(RateLimits.perNetwork("ip", "", Duration.ofMinutes(15), 30, 200)).isEmpty();
    }
}

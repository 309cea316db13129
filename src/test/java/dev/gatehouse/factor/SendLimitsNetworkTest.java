package dev.gatehouse.factor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Per-address send limits count an IPv6 client by its /64, so rotating addresses inside it gains nothing. */
class SendLimitsNetworkTest {

    @Test
    void networkWhenIpv6ThenItsSlash64() {
        assertThat(SendLimits.network("2001:db8:1:2:aaaa::1")).isEqualTo("2001:0db8:0001:0002::/64")
                .isEqualTo(SendLimits.network("2001:0DB8:0001:0002:ffff:eeee:dddd:7"));
        assertThat(SendLimits.network("2001:db8:1:3::1")).isNotEqualTo(SendLimits.network("2001:db8:1:2::1"));
        assertThat(SendLimits.network("::1")).isEqualTo("0000:0000:0000:0000::/64");
    }

    @Test
    void networkWhenIpv4OrMappedOrNotAnAddressThenAsWritten() {
        assertThat(SendLimits.network("198.51.100.7")).isEqualTo("198.51.100.7");
        assertThat(SendLimits.network("::ffff:198.51.100.7")).isEqualTo("198.51.100.7");
        assertThat(SendLimits.network("unknown")).isEqualTo("unknown");
        assertThat(SendLimits.network("fe80::1%eth0")).isEqualTo("fe80::1%eth0");
        assertThat(SendLimits.network("example.com:80")).as("never looked up").isEqualTo("example.com:80");
    }
}

package dev.gatehouse.system;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The coarse network label of the trusted-device and session lists: /24 for IPv4, /48 for IPv6, nothing else. */
class NetworkTest {

    @Test
    void prefixWhenIpv4ThenItsSlash24() {
        assertThat(Network.prefixOf("203.0.113.77")).isEqualTo("203.0.113.0/24");
        assertThat(Network.prefixOf("127.0.0.1")).isEqualTo("127.0.0.0/24");
        assertThat(Network.prefixOf("::ffff:198.51.100.9")).as("IPv4-mapped").isEqualTo("198.51.100.0/24");
    }

    @Test
    void prefixWhenIpv6ThenItsSlash48() {
        assertThat(Network.prefixOf("2001:db8:85a3:1:2:3:4:5")).isEqualTo("2001:0db8:85a3::/48");
        assertThat(Network.prefixOf("2001:DB8::1")).isEqualTo("2001:0db8:0000::/48");
        assertThat(Network.prefixOf("::1")).isEqualTo("0000:0000:0000::/48");
    }

    @Test
    void prefixWhenNotAnIpLiteralThenEmptyAndNoLookup() {
        assertThat(Network.prefixOf("")).isEmpty();
        assertThat(Network.prefixOf(null)).isEmpty();
        assertThat(Network.prefixOf("localhost")).isEmpty();
        assertThat(Network.prefixOf("example.com")).isEmpty();
        assertThat(Network.prefixOf("999.1.1.1")).isEmpty();
        assertThat(Network.prefixOf("1.2.3")).isEmpty();
        assertThat(Network.prefixOf("<script>")).isEmpty();
        assertThat(Network.prefixOf("example.com:80")).isEmpty();
        assertThat(Network.prefixOf("fe80::1%eth0")).as("a zone: never a remote address").isEmpty();
    }

    @Test
    void ofWhenSameNetworkAsTheRequestThenCurrent() {
        assertThat(Network.of("203.0.113.5", "203.0.113.200")).isEqualTo(new Network("203.0.113.0/24", true));
        assertThat(Network.of("203.0.113.5", "203.0.114.5")).isEqualTo(new Network("203.0.113.0/24", false));
        assertThat(Network.of("2001:db8:1:2::1", "2001:db8:1:ffff::9").current()).isTrue();
        assertThat(Network.of("2001:db8:1::1", "2001:db8:2::1").current()).isFalse();
        assertThat(Network.of("", "").current()).as("unknown is never 'this network'").isFalse();
        assertThat(Network.of("", "").known()).isFalse();
    }
}

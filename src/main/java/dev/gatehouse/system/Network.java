package dev.gatehouse.system;

import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * A coarse label for where an address is, for lists people read ("203.0.113.0/24", or "this network"): the IPv4 /24 or
 * the IPv6 /48 it belongs to, which is roughly one home, office or provider's site. There is no GeoIP database here,
 * on purpose: a place name would be a guess, and a wrong one misleads more than a network prefix.
 *
 * @param prefix  the network, e.g. {@code 203.0.113.0/24} or {@code 2001:0db8:85a3::/48}; empty when the address is
 *                unknown or not an IP literal
 * @param current whether it is the network of the request being served
 */
public record Network(String prefix, boolean current) {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    public Network {
        prefix = prefix == null ? "" : prefix;
        current = current && !prefix.isEmpty();
    }

    /** The network of {@code ip}, marked current when {@code currentIp} is on the same one. */
    public static Network of(String ip, String currentIp) {
        String prefix = prefixOf(ip);
        return new Network(prefix, !prefix.isEmpty() && prefix.equals(prefixOf(currentIp)));
    }

    public boolean known() {
        return !prefix.isEmpty();
    }

    /**
     * The /24 of an IPv4 address (also one written as IPv6), the /48 of an IPv6 one; empty for anything else. Parsed
     * as {@link RateLimits} parses addresses for its limits, never looked up.
     */
    static String prefixOf(String ip) {
        if (ip == null || ip.isBlank()) {
            return "";
        }
        String address = RateLimits.network(ip.strip());
        if (IPV4.matcher(address).matches()) {
            String[] parts = address.split("\\.");
            if (Arrays.stream(parts).allMatch(p -> Integer.parseInt(p) <= 255)) {
                return parts[0] + "." + parts[1] + "." + parts[2] + ".0/24";
            }
            return "";
        }
        return RateLimits.site(ip.strip()).orElse("");
    }
}

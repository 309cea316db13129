package dev.gatehouse.factor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import dev.gatehouse.system.Db;

/**
 * The abuse limits on sending codes, per user and per IP address, each in a short window and a UTC day (see
 * {@link CodeProperties}). Counters live in the database; each is taken with one conditional UPDATE
 * ({@code sends < limit}), whose row lock makes concurrent sends on any number of nodes queue up behind each other, so
 * the last send of a window goes to exactly one of them. Windows are fixed (aligned to the epoch): at a window's edge a
 * burst of up to twice the limit is possible, which the daily limit caps.
 */
@Component
class SendLimits {

    private static final Duration DAY = Duration.ofDays(1);

    private final JdbcClient jdbc;
    private final CodeProperties properties;

    SendLimits(JdbcClient jdbc, CodeProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    private record Limit(String scope, Duration window, int max) {
    }

    /**
     * What the per-address limits count by: an IPv4 address as it is, an IPv6 address by its /64 network (one
     * customer line or host usually has a whole /64, so counting single addresses would let it rotate past the limit),
     * an IPv4 address written as IPv6 ({@code ::ffff:a.b.c.d}) as IPv4. Anything else is counted as written.
     */
    static String network(String ip) {
        if (ip.indexOf(':') < 0 || !ip.matches("[0-9A-Fa-f:.]{2,45}")) {
            return ip;
        }
        try {
            // A literal address: parsed, never looked up.
            java.net.InetAddress address = java.net.InetAddress.getByName(ip);
            if (address instanceof java.net.Inet6Address) {
                byte[] b = address.getAddress();
                return String.format("%02x%02x:%02x%02x:%02x%02x:%02x%02x::/64",
                        b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]);
            }
            return address.getHostAddress();
        } catch (java.net.UnknownHostException notAnAddress) {
            return ip;
        }
    }

    /**
     * Takes one send from every limit of the user and the address ({@code ip} may be empty: no address limit). Empty
     * when every limit had room; otherwise when sending is possible again, and the caller must roll its transaction
     * back so that nothing it took counts.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    Optional<Instant> take(UUID userId, String ip, Instant now) {
        List<Limit> limits = new ArrayList<>();
        limits.add(new Limit("user:" + userId + "/" + properties.limitWindow(), properties.limitWindow(),
                properties.userSendsPerWindow()));
        limits.add(new Limit("user:" + userId + "/P1D", DAY, properties.userSendsPerDay()));
        if (ip != null && !ip.isBlank()) {
            String network = network(ip);
            limits.add(new Limit("ip:" + network + "/" + properties.limitWindow(), properties.limitWindow(),
                    properties.ipSendsPerWindow()));
            limits.add(new Limit("ip:" + network + "/P1D", DAY, properties.ipSendsPerDay()));
        }
        // Always in the same order, so two sends never wait for each other's rows crosswise (no deadlock).
        limits.sort(Comparator.comparing(Limit::scope));
        Instant blockedUntil = null;
        for (Limit limit : limits) {
            long length = limit.window().toSeconds();
            Instant start = Instant.ofEpochSecond(Math.floorDiv(now.getEpochSecond(), length) * length);
            Instant end = start.plusSeconds(length);
            jdbc.sql("""
                    insert into code_send_counters (scope, window_start, window_end, sends) values (?, ?, ?, 0)
                    on conflict do nothing""")
                    .params(limit.scope(), Db.ts(start), Db.ts(end)).update();
            int taken = jdbc.sql("""
                    update code_send_counters set sends = sends + 1
                    where scope = ? and window_start = ? and sends < ?""")
                    .params(limit.scope(), Db.ts(start), limit.max()).update();
            if (taken == 0 && (blockedUntil == null || end.isAfter(blockedUntil))) {
                blockedUntil = end;
            }
        }
        return Optional.ofNullable(blockedUntil);
    }

    /** Forgets windows that ended long ago. */
    int deleteEndedBefore(Instant before) {
        return jdbc.sql("delete from code_send_counters where window_end < ?").param(Db.ts(before)).update();
    }
}

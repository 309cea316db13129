package dev.gatehouse.system;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Fixed-window counters shared by all nodes through the database: code sends per user and network, failed passwords
 * per network, sign-up emails per address and network. Each hit is taken with one conditional UPDATE
 * ({@code hits < max}), whose row lock makes concurrent requests on any number of nodes queue behind each other, so
 * the last hit of a window goes to exactly one of them. Windows are aligned to the epoch: at a window's edge a burst
 * of up to twice the limit is possible, which a longer window beside it caps.
 */
@Component
public class RateLimits {

    private final JdbcClient jdbc;

    public RateLimits(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * One limit: at most {@code max} hits per {@code window} for {@code scope} (e.g. {@code "ip:198.51.100.7/PT10M"};
     * the scope should name the window, so two limits of one subject do not share a counter).
     */
    public record Limit(String scope, Duration window, int max) {
        public Limit {
            Objects.requireNonNull(scope, "scope");
            if (scope.length() > 100) {
                throw new IllegalArgumentException("scope longer than 100 characters: " + scope.length());
            }
            if (window.isNegative() || window.isZero() || max < 1) {
                throw new IllegalArgumentException("window and max must be positive: " + window + ", " + max);
            }
        }

        Instant start(Instant now) {
            long length = window.toSeconds();
            return Instant.ofEpochSecond(Math.floorDiv(now.getEpochSecond(), length) * length);
        }
    }

    /**
     * Takes one hit from every limit, or none: empty when every limit had room (and each now counts the hit);
     * otherwise when all of them have room again, and the hits taken from the limits that had room are given back,
     * so a refused request counts nowhere (a network kept waiting cannot use up its daily budget with refused tries).
     */
    public Optional<Instant> take(List<Limit> limits, Instant now) {
        return tryTake(limits, now).map(Refusal::until);
    }

    /** Why {@link #tryTake} took nothing: the full limit whose window ends last, and that end. */
    public record Refusal(Limit limit, Instant until) {
        public Refusal {
            Objects.requireNonNull(limit, "limit");
            Objects.requireNonNull(until, "until");
        }
    }

    /** {@link #take}, telling which limit was full (the one that decides when all have room again). */
    public Optional<Refusal> tryTake(List<Limit> limits, Instant now) {
        Refusal refusal = null;
        List<Limit> taken = new ArrayList<>();
        // Always in the same order, so two requests never wait for each other's rows crosswise (no deadlock).
        for (Limit limit : limits.stream().sorted(Comparator.comparing(Limit::scope)).toList()) {
            Instant start = limit.start(now);
            Instant end = start.plus(limit.window());
            // One statement while the window's counter exists (every hit but a window's first); otherwise it is
            // created, also when another request creates it at the same moment, and the hit taken again.
            int hit = increment(limit, start);
            if (hit == 0) {
                jdbc.sql("""
                        insert into rate_counters (scope, window_start, window_end, hits) values (?, ?, ?, 0)
                        on conflict do nothing""")
                        .params(limit.scope(), Db.ts(start), Db.ts(end)).update();
                hit = increment(limit, start);
            }
            if (hit == 1) {
                taken.add(limit);
            } else if (refusal == null || end.isAfter(refusal.until())) {
                refusal = new Refusal(limit, end);
            }
        }
        if (refusal != null) {
            giveBack(taken, now);
        }
        return Optional.ofNullable(refusal);
    }

    private int increment(Limit limit, Instant start) {
        return jdbc.sql("update rate_counters set hits = hits + 1 where scope = ? and window_start = ? and hits < ?")
                .params(limit.scope(), Db.ts(start), limit.max()).update();
    }

    /**
     * Whether any of {@code limits} is full now, taking nothing: when it is, the end of the full window that ends last.
     * For a budget checked before the work and counted only once it succeeded (a user's refreshes).
     */
    public Optional<Instant> full(List<Limit> limits, Instant now) {
        Instant until = null;
        for (Limit limit : limits) {
            Instant start = limit.start(now);
            int hits = jdbc.sql("select hits from rate_counters where scope = ? and window_start = ?")
                    .params(limit.scope(), Db.ts(start)).query(Integer.class).optional().orElse(0);
            Instant end = start.plus(limit.window());
            if (hits >= limit.max() && (until == null || end.isAfter(until))) {
                until = end;
            }
        }
        return Optional.ofNullable(until);
    }

    /** Gives back the hit {@link #take} took in the current windows (e.g. the attempt turned out to be a success). */
    public void giveBack(List<Limit> limits, Instant now) {
        for (Limit limit : limits.stream().sorted(Comparator.comparing(Limit::scope)).toList()) {
            jdbc.sql("update rate_counters set hits = hits - 1 where scope = ? and window_start = ? and hits > 0")
                    .params(limit.scope(), Db.ts(limit.start(now))).update();
        }
    }

    /** Forgets windows that ended before {@code before}. */
    public int deleteEndedBefore(Instant before) {
        return jdbc.sql("delete from rate_counters where window_end < ?").param(Db.ts(before)).update();
    }

    /** How many times a single network's budget the /48 around an IPv6 /64 gets (one site, many /64 networks). */
    static final int SITE_FACTOR = 4;

    /** {@code perWindow} hits per {@code window} and {@code perDay} per UTC day for {@code subject}. */
    public static List<Limit> windowAndDay(String subject, Duration window, int perWindow, int perDay) {
        return List.of(new Limit(subject + "/" + window, window, perWindow),
                new Limit(subject + "/P1D", Duration.ofDays(1), perDay));
    }

    /**
     * The limits of the client's network for {@code purpose} (e.g. {@code "pw-net"}): {@link #network} in a window and
     * a day; for IPv6 also the /48 around it with {@link #SITE_FACTOR} times the budget, so a client given a whole
     * /48 (65,536 /64 networks) cannot take a fresh budget with each one. Empty for an unknown address.
     */
    public static List<Limit> perNetwork(String purpose, String ip, Duration window, int perWindow, int perDay) {
        if (ip == null || ip.isBlank()) {
            return List.of();
        }
        List<Limit> limits = new ArrayList<>(windowAndDay(purpose + ":" + network(ip), window, perWindow, perDay));
        site(ip).ifPresent(site -> limits.addAll(windowAndDay(purpose + ":" + site, window,
                perWindow * SITE_FACTOR, perDay * SITE_FACTOR)));
        return List.copyOf(limits);
    }

    /** The /48 around an IPv6 address (not an IPv4 one, nor one written as IPv6); empty for anything else. */
    static Optional<String> site(String ip) {
        return literal(ip).filter(java.net.Inet6Address.class::isInstance).map(java.net.InetAddress::getAddress)
                .map(b -> String.format("%02x%02x:%02x%02x:%02x%02x::/48", b[0], b[1], b[2], b[3], b[4], b[5]));
    }

    /**
     * What per-address limits count by: an IPv4 address as it is, an IPv6 address by its /64 network (one customer
     * line or host usually has a whole /64, so counting single addresses would let it rotate past the limit), an
     * IPv4 address written as IPv6 ({@code ::ffff:a.b.c.d}) as IPv4. Anything else is counted as written.
     */
    public static String network(String ip) {
        return literal(ip).map(address -> {
            if (address instanceof java.net.Inet6Address) {
                byte[] b = address.getAddress();
                return String.format("%02x%02x:%02x%02x:%02x%02x:%02x%02x::/64",
                        b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]);
            }
            return address.getHostAddress();
        }).orElse(ip);
    }

    /** An IPv6 literal (or IPv4 written as IPv6), parsed and never looked up; empty for anything else. */
    private static Optional<java.net.InetAddress> literal(String ip) {
        if (ip.indexOf(':') < 0 || !ip.matches("[0-9A-Fa-f:.]{2,45}")) {
            return Optional.empty();
        }
        try {
            return Optional.of(java.net.InetAddress.getByName(ip));
        } catch (java.net.UnknownHostException notAnAddress) {
            return Optional.empty();
        }
    }
}

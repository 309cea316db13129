package dev.gatehouse.system;

import java.io.Serializable;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Who is on the other end of a request, as far as we can tell: recorded with security events.
 *
 * @param ip        the client address ({@code server.forward-headers-strategy} decides whether proxies are trusted); never null
 * @param userAgent the User-Agent header cut to 256 characters; never null, may be empty
 */
public record ClientInfo(String ip, String userAgent) implements Serializable {

    public static final ClientInfo SYSTEM = new ClientInfo("", "");

    public ClientInfo {
        ip = ip == null ? "" : "0:0:0:0:0:0:0:1".equals(ip) ? "::1" : cut(ip, 45);
        userAgent = userAgent == null ? "" : cut(userAgent.replaceAll("\\p{Cntrl}", ""), 256);
    }

    public static ClientInfo of(HttpServletRequest request) {
        return new ClientInfo(request.getRemoteAddr(), request.getHeader("User-Agent"));
    }

    /** A short human description such as "Chrome on Linux", for activity lists and emails. */
    public String browser() {
        return UserAgents.describe(userAgent);
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}

package dev.gatehouse.system;

/** Names a browser and system from a User-Agent header, roughly: enough for a person to recognise their device. */
final class UserAgents {

    private UserAgents() {
    }

    static String describe(String ua) {
        if (ua == null || ua.isBlank()) {
            return "Unknown browser";
        }
        return browser(ua) + " on " + system(ua);
    }

    private static String browser(String ua) {
        // Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
        if (ua.contains("Edg/")) return "Edge";
        if (ua.contains("OPR/")) return "Opera";
        if (ua.contains("Firefox/")) return "Firefox";
        if (ua.contains("Chrome/") || ua.contains("Chromium/") || ua.contains("HeadlessChrome/")) return "Chrome";
        if (ua.contains("Safari/")) return "Safari";
        if (ua.startsWith("curl/")) return "curl";
        if (ua.startsWith("Java-http-client")) return "Java HTTP client";
        return "Unknown browser";
    }

    private static String system(String ua) {
        if (ua.contains("Windows")) return "Windows";
        if (ua.contains("iPhone") || ua.contains("iPad")) return "iOS";
        if (ua.contains("Mac OS X") || ua.contains("Macintosh")) return "macOS";
        if (ua.contains("Android")) return "Android";
        if (ua.contains("CrOS")) return "ChromeOS";
        if (ua.contains("Linux")) return "Linux";
        return "unknown system";
    }
}

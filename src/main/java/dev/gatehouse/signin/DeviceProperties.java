package dev.gatehouse.signin;

import java.time.Duration;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The two long-lived browser cookies. Both are HttpOnly, SameSite=Lax, Path=/, and Secure on https or when the name
 * has the {@code __Host-} prefix (production), like the session cookie.
 *
 * @param trustCookie          holds the "remember this device" tokens of up to {@code maxTrustedUsers} users of
 *                             this browser; default {@code GATEHOUSE_DEVICE} ({@code __Host-GATEHOUSE_DEVICE} in prod)
 * @param browserCookie        a random id of the browser, so a sign-in from a browser never seen before can be
 *                             announced; default {@code GATEHOUSE_BROWSER} ({@code __Host-GATEHOUSE_BROWSER} in prod)
 * @param browserCookieLifetime how long a browser keeps its id; default 400 days (the longest browsers allow)
 * @param maxTrustedUsers       how many users one browser can be remembered for at once; default 5, the oldest
 *                              dropped first
 */
@ConfigurationProperties("gatehouse.devices")
public record DeviceProperties(@DefaultValue("GATEHOUSE_DEVICE") String trustCookie,
                               @DefaultValue("GATEHOUSE_BROWSER") String browserCookie,
                               @DefaultValue("400d") Duration browserCookieLifetime,
                               @DefaultValue("5") int maxTrustedUsers) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public DeviceProperties {
        if (trustCookie == null || !NAME.matcher(trustCookie).matches()) {
            throw new IllegalArgumentException("gatehouse.devices.trust-cookie must be a plain cookie name");
        }
        if (browserCookie == null || !NAME.matcher(browserCookie).matches() || browserCookie.equals(trustCookie)) {
            throw new IllegalArgumentException("gatehouse.devices.browser-cookie must be a plain cookie name, "
                    + "different from trust-cookie");
        }
        if (browserCookieLifetime == null || browserCookieLifetime.isNegative() || browserCookieLifetime.isZero()) {
            throw new IllegalArgumentException("gatehouse.devices.browser-cookie-lifetime must be positive");
        }
        if (maxTrustedUsers < 1 || maxTrustedUsers > 20) {
            throw new IllegalArgumentException("gatehouse.devices.max-trusted-users must be between 1 and 20");
        }
    }
}

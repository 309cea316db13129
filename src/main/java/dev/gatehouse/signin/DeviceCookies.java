package dev.gatehouse.signin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

import dev.gatehouse.account.DeviceTrustPeriod;
import dev.gatehouse.crypto.RandomCodes;

/**
 * Reads and writes the trusted-device and browser-id cookies. Values are only ever 256-bit random tokens
 * (43 base64url characters); anything else a client sends is ignored. The trust cookie holds the tokens of several
 * users of one browser, newest first, joined by dots: each token is bound to one user on the server, so holding
 * several grants nothing more than each grants alone.
 */
@Component
class DeviceCookies {

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{43}");

    private final DeviceProperties properties;

    DeviceCookies(DeviceProperties properties) {
        this.properties = properties;
    }

    /** The trust tokens this browser sent; at most {@code maxTrustedUsers}, malformed ones left out. */
    List<String> trustTokens(BrowserSession browser) {
        return browser.cookie(properties.trustCookie())
                .map(v -> Arrays.stream(v.split("\\.")).filter(t -> TOKEN.matcher(t).matches()).distinct()
                        .limit(properties.maxTrustedUsers()).toList())
                .orElse(List.of());
    }

    /** Adds a token in front of the ones the browser has, dropping the oldest beyond the limit. */
    void addTrustToken(BrowserSession browser, String token) {
        List<String> tokens = new ArrayList<>();
        tokens.add(token);
        trustTokens(browser).stream().filter(t -> !t.equals(token)).forEach(tokens::add);
        // The cookie outlives every period: the server decides, each time, whether a token is still trusted.
        browser.setCookie(properties.trustCookie(),
                String.join(".", tokens.subList(0, Math.min(tokens.size(), properties.maxTrustedUsers()))),
                DeviceTrustPeriod.longest());
    }

    /** The browser's id, if it sent a well-formed one. */
    Optional<String> browserId(BrowserSession browser) {
        return browser.cookie(properties.browserCookie()).filter(v -> TOKEN.matcher(v).matches());
    }

    /** The browser's id, giving it a new one (and the cookie) when it has none. */
    String ensureBrowserId(BrowserSession browser) {
        Optional<String> existing = browserId(browser);
        if (existing.isPresent()) {
            return existing.get();
        }
        String id = RandomCodes.token();
        browser.setCookie(properties.browserCookie(), id, properties.browserCookieLifetime());
        return id;
    }
}

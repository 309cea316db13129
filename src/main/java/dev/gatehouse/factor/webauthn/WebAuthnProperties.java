package dev.gatehouse.factor.webauthn;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The relying party: who the browser is told it is talking to, and which pages may speak for it. Every value is
 * checked at startup, so a misconfigured server refuses to start instead of refusing every key.
 *
 * @param rpId            the relying party id: the host name credentials are bound to; default the host of the
 *                        origins ({@code localhost} in the trial). Every origin must be this host or a subdomain of
 *                        it. Changing it later makes every registered credential useless, so it is chosen once
 *                        (e.g. {@code example.com}, to keep credentials if the sign-in host ever moves)
 * @param origins         the exact origins whose pages may run a ceremony (scheme, host and port); default
 *                        {@code ${gatehouse.base-url}}, i.e. {@code http://localhost:${server.port}} in the trial.
 *                        A response from any other origin is refused
 * @param allowOriginPort accept any port on the listed origins' hosts (Yubico's {@code allowOriginPort}); default
 *                        {@code false}. Only for tests, whose servers run on a random port
 * @param appId           the U2F AppID of a system this one replaces (an https URL, e.g.
 *                        {@code https://example.com/u2f/app-id.json}), so keys registered there through the old U2F
 *                        API keep working through the {@code appid} extension; default none
 * @param attestation     what the browser is asked to share about the authenticator model: {@code none},
 *                        {@code indirect}, {@code direct} (default; Chrome then asks the user before sharing a
 *                        security key's make and model) or {@code enterprise}. Attestation is stored, never required
 *                        to be trusted
 * @param userVerification whether the device must check who holds it (fingerprint, face, PIN): {@code discouraged},
 *                        {@code preferred} (default: asked for where the device can, not required, so plain
 *                        security keys work — the password was the first factor) or {@code required}
 * @param timeout         how long the browser waits for the user to touch or unlock the device; default 5 minutes.
 *                        A started ceremony is kept for this long plus a minute
 */
@ConfigurationProperties("gatehouse.webauthn")
public record WebAuthnProperties(String rpId, Set<String> origins,
                                 @DefaultValue("false") boolean allowOriginPort, String appId,
                                 @DefaultValue("direct") String attestation,
                                 @DefaultValue("preferred") String userVerification,
                                 @DefaultValue("5m") Duration timeout) {

    private static final Set<String> ATTESTATIONS = Set.of("none", "indirect", "direct", "enterprise");
    private static final Set<String> USER_VERIFICATIONS = Set.of("discouraged", "preferred", "required");

    public WebAuthnProperties {
        if (origins == null || origins.isEmpty()) {
            throw new IllegalArgumentException("gatehouse.webauthn.origins must list at least one origin, such as"
                    + " https://sign-in.example.com");
        }
        // A trailing slash is how base URLs are often written; an origin has none.
        origins = origins.stream().map(o -> o != null && o.endsWith("/") ? o.substring(0, o.length() - 1) : o)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
        if (rpId == null || rpId.isBlank()) {
            Set<String> hosts = origins.stream().map(WebAuthnProperties::host)
                    .collect(java.util.stream.Collectors.toSet());
            if (hosts.size() != 1) {
                throw new IllegalArgumentException("gatehouse.webauthn.rp-id must be set when the origins have"
                        + " different hosts: " + hosts);
            }
            rpId = hosts.iterator().next();
        }
        if (!rpId.matches("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?")) {
            throw new IllegalArgumentException("gatehouse.webauthn.rp-id must be a lower-case host name such as"
                    + " example.com (no scheme, port or path): " + rpId);
        }
        for (String origin : origins) {
            checkOrigin(rpId, origin);
        }
        if (appId != null && appId.isBlank()) {
            appId = null;
        }
        if (appId != null && !appId.startsWith("https://")) {
            throw new IllegalArgumentException("gatehouse.webauthn.app-id must be the https URL the U2F keys were"
                    + " registered with: " + appId);
        }
        attestation = attestation == null ? "direct" : attestation.toLowerCase(Locale.ROOT);
        if (!ATTESTATIONS.contains(attestation)) {
            throw new IllegalArgumentException("gatehouse.webauthn.attestation must be one of " + ATTESTATIONS + ": "
                    + attestation);
        }
        userVerification = userVerification == null ? "preferred" : userVerification.toLowerCase(Locale.ROOT);
        if (!USER_VERIFICATIONS.contains(userVerification)) {
            throw new IllegalArgumentException("gatehouse.webauthn.user-verification must be one of "
                    + USER_VERIFICATIONS + ": " + userVerification);
        }
        if (timeout == null || timeout.compareTo(Duration.ofSeconds(30)) < 0 || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("gatehouse.webauthn.timeout must be between 30s and 10m: " + timeout);
        }
    }

    /** How long a started ceremony stays usable on the server: the browser's timeout and a minute. */
    public Duration ceremonyValidity() {
        return timeout.plusMinutes(1);
    }

    private static String host(String origin) {
        return uri(origin).getHost() == null ? "" : uri(origin).getHost().toLowerCase(Locale.ROOT);
    }

    private static URI uri(String origin) {
        try {
            return new URI(origin);
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalArgumentException("gatehouse.webauthn.origins: not an origin: " + origin);
        }
    }

    private static void checkOrigin(String rpId, String origin) {
        URI uri = uri(origin);
        boolean plain = uri.getRawPath() == null || uri.getRawPath().isEmpty();
        if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null || !plain
                || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("gatehouse.webauthn.origins: an origin is a scheme, host and optional"
                    + " port, without a path or a slash at the end, such as https://sign-in.example.com: " + origin);
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (!host.equals(rpId) && !host.endsWith("." + rpId)) {
            throw new IllegalArgumentException("gatehouse.webauthn.rp-id (" + rpId + ") must be the host of every"
                    + " origin or a domain it belongs to, but " + origin + " is elsewhere; set"
                    + " gatehouse.webauthn.rp-id=" + host + " (or a parent domain of it)");
        }
        if ("http".equals(uri.getScheme()) && !"localhost".equals(host) && !host.endsWith(".localhost")) {
            throw new IllegalArgumentException("gatehouse.webauthn.origins: browsers only allow Web Authentication"
                    + " on https (or http://localhost): " + origin);
        }
    }
}

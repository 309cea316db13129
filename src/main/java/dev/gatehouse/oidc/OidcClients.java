package dev.gatehouse.oidc;

import java.util.UUID;

import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.stereotype.Service;
import org.springframework.web.util.UriComponents;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Registers the applications that may use Gatehouse, with Gatehouse's token lifetimes (account owners on the
 * Applications page through {@link AccountClients}; the operator by code; docs/integration.md). A public client (no
 * secret: a single-page or native app) must use PKCE; refresh tokens rotate: each use returns a new one and the old
 * one stops working.
 */
@Service
public class OidcClients {

    private final RegisteredClientRepository clients;
    private final OidcProperties properties;

    OidcClients(RegisteredClientRepository clients, OidcProperties properties) {
        this.clients = clients;
        this.properties = properties;
    }

    /** A client with Gatehouse's token settings; {@code secret} already encoded ({@link ClientSecrets}), or null. */
    public RegisteredClient.Builder client(String clientId, String encodedSecret) {
        boolean isPublic = encodedSecret == null;
        RegisteredClient.Builder builder = RegisteredClient.withId(UUID.randomUUID().toString()).clientId(clientId)
                .clientName(clientId)
                .clientSettings(ClientSettings.builder().requireProofKey(isPublic)
                        .requireAuthorizationConsent(false).build())
                .tokenSettings(tokenSettings());
        if (isPublic) {
            builder.clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
                    .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE);
        } else {
            builder.clientSecret(encodedSecret)
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST);
        }
        return builder;
    }

    public TokenSettings tokenSettings() {
        return TokenSettings.builder()
                .accessTokenTimeToLive(properties.accessTokenLifetime())
                .refreshTokenTimeToLive(properties.refreshTokenLifetime())
                .reuseRefreshTokens(false)
                .authorizationCodeTimeToLive(properties.authorizationCodeLifetime())
                .build();
    }

    /**
     * The redirect URI {@code redirectUri} when the client registered it, or, when it names none (null), the client's
     * only one; empty for an unknown client or any other URI.
     */
    public java.util.Optional<String> registeredRedirect(String clientId, String redirectUri) {
        return registeredRedirect(clients, clientId, redirectUri);
    }

    /** As {@link #registeredRedirect(String, String)}, for a caller that holds the store itself (a filter). */
    public static java.util.Optional<String> registeredRedirect(RegisteredClientRepository clients, String clientId,
                                                                String redirectUri) {
        return registeredRedirect(clientId == null || clientId.isBlank() ? null : clients.findByClientId(clientId),
                redirectUri);
    }

    /** As {@link #registeredRedirect(String, String)}, for a client already read (null: none). */
    public static java.util.Optional<String> registeredRedirect(RegisteredClient client, String redirectUri) {
        if (client == null) {
            return java.util.Optional.empty();
        }
        if (redirectUri == null) {
            return client.getRedirectUris().size() == 1 ? client.getRedirectUris().stream().findFirst()
                    : java.util.Optional.empty();
        }
        // As the endpoint compares: a loopback callback only by the registered URI with the requested port, any
        // other exactly.
        java.util.Optional<UriComponents> loopback = parsed(redirectUri).filter(OidcClients::loopback);
        boolean registered = loopback.isPresent()
                ? client.getRedirectUris().stream().anyMatch(uri -> sameButPort(uri, loopback.get()))
                : client.getRedirectUris().contains(redirectUri);
        return registered ? java.util.Optional.of(redirectUri) : java.util.Optional.empty();
    }

    /**
     * A loopback IP callback that differs from a registered one in its port only: a native app listens on a port the
     * system gives it for each sign-in, so Spring's authorization endpoint accepts any port there (RFC 8252, 7.3),
     * and so must every check that decides what the endpoint will answer. The same comparison as the endpoint's: the
     * registered URI with the requested port (or none) is the requested URI. Not for {@code localhost}, which the
     * endpoint matches exactly.
     */
    static boolean sameButPort(String registered, String requested) {
        return parsed(requested).filter(OidcClients::loopback).map(asked -> sameButPort(registered, asked))
                .orElse(false);
    }

    private static boolean sameButPort(String registered, UriComponents asked) {
        return parsed(registered).map(uri -> UriComponentsBuilder.newInstance().uriComponents(uri).port(asked.getPort()).build()
                .toString().equals(asked.toString())).orElse(false);
    }

    /** A callback on a loopback IP address, without a fragment (which the endpoint refuses anyway). */
    private static boolean loopback(UriComponents callback) {
        return loopbackAddress(callback.getHost()) && callback.getFragment() == null;
    }

    /**
     * Whether a callback can be read at all as Spring's endpoint reads it: a URI whose port, when it has one, is a
     * number ({@code http://127.0.0.1:/cb} makes the endpoint's loopback rule throw).
     */
    public static boolean wellFormed(String callback) {
        return parsed(callback).isPresent();
    }

    /** The URI as the endpoint parses it; empty when it does not parse or its port is not a number. */
    private static java.util.Optional<UriComponents> parsed(String uri) {
        try {
            UriComponents components = UriComponentsBuilder.fromUriString(uri).build();
            components.getPort();
            return java.util.Optional.of(components);
        } catch (IllegalArgumentException | IllegalStateException malformed) {
            return java.util.Optional.empty();
        }
    }

    /**
     * 127.0.0.1 to 127.255.255.255 or ::1, written as a URI's host: the loopback IP addresses as the endpoint reads them
     * (a last part of 0 is not one there), or stricter (only plain decimal parts): a host the endpoint would call
     * loopback and this does not is an unknown callback here, answered with the error page.
     */
    private static boolean loopbackAddress(String host) {
        if (host == null) {
            return false;
        }
        if ("[::1]".equals(host) || "[0:0:0:0:0:0:0:1]".equals(host)) {
            return true;
        }
        String[] octets = host.split("\\.", -1);
        if (octets.length != 4 || !"127".equals(octets[0])) {
            return false;
        }
        for (String octet : octets) {
            if (!octet.matches("[0-9]{1,3}") || Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return Integer.parseInt(octets[3]) >= 1;
    }

    public void save(RegisteredClient client) {
        clients.save(client);
    }
}

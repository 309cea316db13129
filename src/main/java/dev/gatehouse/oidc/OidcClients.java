package dev.gatehouse.oidc;

import java.util.UUID;

import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.stereotype.Service;

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
        RegisteredClient client = clientId == null || clientId.isBlank() ? null : clients.findByClientId(clientId);
        if (client == null) {
            return java.util.Optional.empty();
        }
        if (redirectUri == null) {
            return client.getRedirectUris().size() == 1 ? client.getRedirectUris().stream().findFirst()
                    : java.util.Optional.empty();
        }
        return client.getRedirectUris().contains(redirectUri) ? java.util.Optional.of(redirectUri)
                : java.util.Optional.empty();
    }

    public void save(RegisteredClient client) {
        clients.save(client);
    }
}

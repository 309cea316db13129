package com.example.relying;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where Gatehouse is and who this application is there (relying-app.properties).
 *
 * @param issuer       Gatehouse's issuer URL; its discovery document is read from
 *                     {@code <issuer>/.well-known/openid-configuration} at the first sign-in, not at start-up, so this
 *                     application may start before Gatehouse
 * @param clientId     the client id Gatehouse knows this application by
 * @param clientSecret its secret (a confidential client: the secret stays on this server)
 */
@ConfigurationProperties("relying.gatehouse")
public record GatehouseSettings(String issuer, String clientId, String clientSecret) {

    public GatehouseSettings {
        require(issuer, "issuer");
        require(clientId, "client-id");
        require(clientSecret, "client-secret");
    }

    private static void require(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("relying.gatehouse." + name + " must be set");
        }
    }
}

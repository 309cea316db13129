package com.example.relying;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

/**
 * The one provider, Gatehouse, described by its discovery document, read when first needed and then kept. Spring
 * Boot's {@code issuer-uri} property would read it at start-up, and fail while Gatehouse is not up yet; here a failed
 * read is tried again at the next sign-in.
 */
final class GatehouseRegistration implements ClientRegistrationRepository {

    static final String ID = "gatehouse";

    private final GatehouseSettings settings;
    private volatile ClientRegistration registration;

    GatehouseRegistration(GatehouseSettings settings) {
        this.settings = settings;
    }

    @Override
    public ClientRegistration findByRegistrationId(String registrationId) {
        if (!ID.equals(registrationId)) {
            return null;
        }
        ClientRegistration known = registration;
        if (known == null) {
            // Checks that the document names the same issuer, which the ID tokens' "iss" must then match.
            known = ClientRegistrations.fromIssuerLocation(settings.issuer())
                    .registrationId(ID)
                    .clientName("Gatehouse")
                    .clientId(settings.clientId())
                    .clientSecret(settings.clientSecret())
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                    .redirectUri("{baseUrl}/login/oauth2/code/{registrationId}")
                    .scope("openid", "email", "profile")
                    .build();
            registration = known;
        }
        return known;
    }
}

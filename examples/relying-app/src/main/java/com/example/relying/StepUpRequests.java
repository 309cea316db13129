package com.example.relying;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestRedirectFilter;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;

/**
 * Builds the authorization request sent to Gatehouse: the plain one, or, for {@code /oauth2/authorization/gatehouse?step-up},
 * the same with {@code acr_values=urn:gatehouse:acr:mfa-now}, which makes Gatehouse ask for the second factor again
 * (even on a device the user asked it to remember).
 */
final class StepUpRequests implements OAuth2AuthorizationRequestResolver {

    static final String PARAMETER = "step-up";

    private final DefaultOAuth2AuthorizationRequestResolver plain;
    private final DefaultOAuth2AuthorizationRequestResolver stepUp;

    StepUpRequests(ClientRegistrationRepository registrations) {
        String base = OAuth2AuthorizationRequestRedirectFilter.DEFAULT_AUTHORIZATION_REQUEST_BASE_URI;
        plain = new DefaultOAuth2AuthorizationRequestResolver(registrations, base);
        stepUp = new DefaultOAuth2AuthorizationRequestResolver(registrations, base);
        stepUp.setAuthorizationRequestCustomizer(request -> request.additionalParameters(
                parameters -> parameters.put("acr_values", StepUp.MFA_NOW)));
    }

    @Override
    public OAuth2AuthorizationRequest resolve(HttpServletRequest request) {
        return pick(request).resolve(request);
    }

    @Override
    public OAuth2AuthorizationRequest resolve(HttpServletRequest request, String clientRegistrationId) {
        return pick(request).resolve(request, clientRegistrationId);
    }

    private DefaultOAuth2AuthorizationRequestResolver pick(HttpServletRequest request) {
        return request.getParameter(PARAMETER) != null ? stepUp : plain;
    }
}

package com.example.relying;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.client.oidc.web.logout.OidcClientInitiatedLogoutSuccessHandler;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The home page is open; everything else needs a sign-in through Gatehouse. Signing out here also ends the Gatehouse
 * session (RP-initiated logout: the browser goes to Gatehouse's {@code /connect/logout} with the ID token, then back
 * to this home page).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    @Bean
    ClientRegistrationRepository clientRegistrations(GatehouseSettings settings) {
        return new GatehouseRegistration(settings);
    }

    @Bean
    SecurityFilterChain security(HttpSecurity http, ClientRegistrationRepository registrations) throws Exception {
        OidcClientInitiatedLogoutSuccessHandler signedOut = new OidcClientInitiatedLogoutSuccessHandler(registrations);
        signedOut.setPostLogoutRedirectUri("{baseUrl}/");
        http.authorizeHttpRequests(requests -> requests
                        // The browser's own fetch of /favicon.ico must not start a sign-in: it would replace the
                        // authorization request under way (one per session), and the real one would then fail.
                        .requestMatchers("/", "/app.css", "/favicon.ico", "/error").permitAll()
                        .anyRequest().authenticated())
                .oauth2Login(login -> login
                        .loginPage("/oauth2/authorization/" + GatehouseRegistration.ID)
                        .authorizationEndpoint(endpoint -> endpoint
                                .authorizationRequestResolver(new StepUpRequests(registrations))))
                .logout(logout -> logout.logoutSuccessHandler(signedOut));
        return http.build();
    }
}

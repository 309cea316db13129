package dev.gatehouse.web;

import java.time.Clock;
import java.util.Optional;

import jakarta.servlet.DispatcherType;

import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandlerImpl;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.csrf.CsrfTokenRepository;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.oidc.OidcClients;
import dev.gatehouse.signin.SessionProperties;
import dev.gatehouse.signin.Sessions;
import dev.gatehouse.signin.SignedInUser;
import dev.gatehouse.signin.servlet.ServletBrowserSession;
import dev.gatehouse.system.ClientInfo;

/**
 * The web's security rules. Only a session holding a {@link SignedInUser} is authenticated: one that has passed the
 * password but not yet the second factor is, for every page but the sign-in steps, exactly like a signed-out one.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SecurityConfiguration.class);

    /** No inline script or style anywhere; images may be data: URIs (QR codes). */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    static final String[] PUBLIC = {"/signin", "/signin/**", "/signup", "/signup/**", "/invite/*", "/alerts/confirm/*",
            "/denied", "/error", "/dev/mailbox", "/dev/mailbox/**"};

    /** The pages' style sheet, scripts and pictures: the same for everyone, served by {@link #files}. */
    static final String[] FILES = {"/css/**", "/img/**", "/js/**", "/favicon.ico"};

    /**
     * Where form tokens are kept: in the session once there is one, else in a cookie, so that a page shown to a
     * browser without a session (sign-in, sign-up, an error page of the OpenID Connect endpoints) makes none.
     */
    @Bean
    CsrfTokenRepository formTokens(@Value("${server.servlet.session.cookie.name}") String sessionCookie,
                                   @Value("${server.servlet.session.cookie.secure:false}") boolean secureCookies) {
        return new FormTokenRepository((sessionCookie.startsWith("__Host-") ? "__Host-" : "") + "GATEHOUSE_FORM",
                secureCookies);
    }

    @Bean
    ReturnPageCache requestCache(@Value("${server.servlet.session.cookie.secure:false}") boolean secureCookies) {
        return new ReturnPageCache(secureCookies);
    }

    /**
     * Health and metrics for operators: only on the management port (8081 by default, kept off the public network),
     * open without a session, and nothing there changes state.
     */
    @Bean
    @Order(1)
    SecurityFilterChain management(HttpSecurity http) throws Exception {
        http
                .securityMatcher(EndpointRequest.toAnyEndpoint())
                .authorizeHttpRequests(authorize -> authorize.anyRequest().permitAll())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable);
        return http.build();
    }

    /**
     * The pages' static files, without a session: a page load fetches three or four of them, and read through the pages'
     * chain each one loaded the browser's session, checked it was still current and wrote its last-access time back
     * (three statements). They are the same for everyone. Spring Security's "no-store" is left off them, so a browser
     * keeps them and asks again with the date it has ({@code spring.web.resources.cache.cachecontrol.no-cache}): an
     * upgrade's files reach it on its next page.
     */
    @Bean
    @Order(2)
    SecurityFilterChain files(HttpSecurity http) throws Exception {
        http
                .securityMatcher(FILES)
                .authorizeHttpRequests(authorize -> authorize.anyRequest().permitAll())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(AbstractHttpConfigurer::disable)
                .csrf(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .headers(headers -> headers.cacheControl(cache -> cache.disable()));
        return http.build();
    }

    @Bean
    @Order(3)
    SecurityFilterChain pages(HttpSecurity http, AuditLog audit, ReturnPageCache requestCache,
                              SessionProperties sessionProperties, Sessions sessions, Clock clock,
                              ObjectProvider<OidcClients> oidcClients,
                              ObjectProvider<AuthorizationServerSettings> oidcSettings, CsrfTokenRepository formTokens,
                              @Value("${gatehouse.base-url}") String baseUrl)
            throws Exception {
        AccessDeniedHandlerImpl denied = new AccessDeniedHandlerImpl();
        denied.setErrorPage("/denied");
        http
                .authorizeHttpRequests(authorize -> authorize
                        .dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.FORWARD).permitAll()
                        .requestMatchers(PUBLIC).permitAll()
                        .anyRequest().authenticated())
                .exceptionHandling(e -> e
                        .authenticationEntryPoint(new LoginUrlAuthenticationEntryPoint("/signin"))
                        .accessDeniedHandler(denied))
                .requestCache(cache -> cache.requestCache(requestCache))
                // No session for a page view: the form token of a browser without one lives in a cookie.
                .csrf(csrf -> csrf.csrfTokenRepository(formTokens))
                .formLogin(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .logout(logout -> logout
                        .logoutUrl("/signout")
                        // The reset's "Stop the reset" is a sign-out too; it is told as what it was for the person.
                        .logoutSuccessHandler((request, response, authentication) -> response.sendRedirect(
                                request.getContextPath() + ("reset".equals(request.getParameter("stopped"))
                                        ? "/signin?resetStopped" : "/signin?signedOut")))
                        // The sign-in ends, with what applications were granted in it; then Spring's own handler
                        // invalidates this session.
                        .addLogoutHandler((request, response, authentication) -> {
                            try {
                                sessions.endThisSignIn(ServletBrowserSession.of(request, response), anyone -> true)
                                        .ifPresent(user -> audit.record(AuditEventType.SIGN_OUT, user,
                                                ClientInfo.of(request)));
                            } catch (RuntimeException e) {
                                // The browser is signed out all the same (the next handler); its sign-in's other
                                // copies and tokens end with the user's next sign-out everywhere or password change.
                                log.error("Could not end the sign-in of a browser signing out: {}",
                                        e.getClass().getSimpleName());
                            }
                        }))
                .headers(headers -> headers
                        .addHeaderWriter(new PagePolicy(requestCache,
                                oidcSettings.getIfAvailable(() -> AuthorizationServerSettings.builder().build())
                                        .getAuthorizationEndpoint(),
                                (clientId, redirectUri) -> Optional.ofNullable(oidcClients.getIfAvailable())
                                        .flatMap(clients -> clients.registeredRedirect(clientId, redirectUri))))
                        .frameOptions(frame -> frame.deny())
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN)))
                .addFilterBefore(new CrossSiteForms(baseUrl, denied), CsrfFilter.class)
                .addFilterBefore(new SignedInSessionFilter(sessionProperties, sessions, clock), AuthorizationFilter.class);
        return http.build();
    }
}

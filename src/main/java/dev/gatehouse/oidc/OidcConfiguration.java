package dev.gatehouse.oidc;

import java.util.List;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.security.jackson.SecurityJacksonModules;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.JdbcRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;

/**
 * The stores and keys of the OpenID Connect provider (Spring Authorization Server); the web side, its filter chain,
 * is {@code web.oidc}. Everything lives in the database (V22), so two nodes on one PostgreSQL issue and accept each
 * other's codes, tokens and consents.
 */
@Configuration(proxyBeanMethods = false)
class OidcConfiguration {

    @Bean
    RegisteredClientRepository registeredClientRepository(JdbcTemplate jdbc) {
        return new JdbcRegisteredClientRepository(jdbc);
    }

    /**
     * Authorizations are stored as JSON; the principal in them is an {@link OidcPrincipal}, which the JSON reader
     * must be told it may create (Spring Security's readers only create the types they know). At most
     * {@value AuthorizationCaps#KEPT} codes of a user wait for their exchange ({@link AuthorizationCaps}).
     */
    @Bean
    OAuth2AuthorizationService authorizationService(JdbcTemplate jdbc, RegisteredClientRepository clients,
                                                    TransactionTemplate tx,
                                                    org.springframework.jdbc.core.simple.JdbcClient jdbcClient) {
        JsonMapper json = JsonMapper.builder()
                .addModules(SecurityJacksonModules.getModules(OidcConfiguration.class.getClassLoader(),
                        BasicPolymorphicTypeValidator.builder().allowIfSubType(OidcPrincipal.class)))
                .build();
        JdbcOAuth2AuthorizationService service = new JdbcOAuth2AuthorizationService(jdbc, clients);
        service.setAuthorizationRowMapper(
                new JdbcOAuth2AuthorizationService.JsonMapperOAuth2AuthorizationRowMapper(clients, json));
        service.setAuthorizationParametersMapper(
                new JdbcOAuth2AuthorizationService.JsonMapperOAuth2AuthorizationParametersMapper(json));
        return OneConnectionStores.authorizations(service, tx, new AuthorizationCaps(jdbcClient)::saved);
    }

    @Bean
    OAuth2AuthorizationConsentService authorizationConsentService(JdbcTemplate jdbc,
                                                                  RegisteredClientRepository clients,
                                                                  TransactionTemplate tx) {
        return OneConnectionStores.consents(new JdbcOAuth2AuthorizationConsentService(jdbc, clients), tx);
    }

    /** The published key set (JWKS endpoint, and the decoder of access tokens at the UserInfo endpoint). */
    @Bean
    JWKSource<SecurityContext> jwkSource(SigningKeys keys) {
        return (selector, context) -> selector.select(new JWKSet(List.copyOf(keys.published())));
    }

    /** Tokens are signed with the active key alone, whatever else the key set still publishes. */
    @Bean
    JwtEncoder jwtEncoder(SigningKeys keys) {
        return new NimbusJwtEncoder((selector, context) -> selector.select(new JWKSet(keys.active())));
    }

    @Bean
    AuthorizationServerSettings authorizationServerSettings(OidcProperties properties) {
        AuthorizationServerSettings.Builder settings = AuthorizationServerSettings.builder();
        if (properties.issuer() != null) {
            settings.issuer(properties.issuer());
        }
        return settings.build();
    }
}

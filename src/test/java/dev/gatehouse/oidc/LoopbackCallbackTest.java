package dev.gatehouse.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationValidator;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/**
 * Which callbacks count as a registered loopback callback on another port: the rule of Spring's authorization
 * endpoint (RFC 8252, 7.3), which the sign-in checks in front of it must apply the same way.
 */
class LoopbackCallbackTest {

    @Test
    void loopbackWhenOnlyThePortDiffersOrIsLeftOutThenTheSameCallback() {
        assertThat(OidcClients.sameButPort("http://127.0.0.1:9000/cb", "http://127.0.0.1:9001/cb")).isTrue();
        assertThat(OidcClients.sameButPort("http://127.0.0.1:9000/cb", "http://127.0.0.1/cb")).isTrue();
        assertThat(OidcClients.sameButPort("http://127.0.0.1/cb", "http://127.0.0.1:61234/cb")).isTrue();
        assertThat(OidcClients.sameButPort("http://[::1]:9000/cb", "http://[::1]:9001/cb")).isTrue();
        assertThat(OidcClients.sameButPort("http://127.0.0.1:9000/cb?x=1", "http://127.0.0.1:1/cb?x=1")).isTrue();
    }

    @Test
    void loopbackWhenAnythingButThePortDiffersThenAnotherCallback() {
        assertThat(OidcClients.sameButPort("http://127.0.0.1:9000/cb", "http://127.0.0.1:9001/other")).isFalse();
        assertThat(OidcClients.sameButPort("http://127.0.0.1:9000/cb", "https://127.0.0.1:9001/cb")).isFalse();
        assertThat(OidcClients.sameButPort("http://127.0.0.1:9000/cb", "http://127.0.0.2:9000/cb")).isFalse();
        assertThat(OidcClients.sameButPort("http://127.0.0.1:9000/cb", "http://127.0.0.1:9001/cb?x=1")).isFalse();
        assertThat(OidcClients.sameButPort("http://127.0.0.1:9000/cb", "http://127.0.0.1:9001/cb#x")).isFalse();
    }

    @Test
    void notLoopbackWhenAHostNameOrAnotherAddressThenOnlyAnExactMatchCounts() {
        assertThat(OidcClients.sameButPort("http://localhost:9000/cb", "http://localhost:9001/cb")).isFalse();
        assertThat(OidcClients.sameButPort("https://app.example/cb", "https://app.example:444/cb")).isFalse();
        assertThat(OidcClients.sameButPort("http://127.0.0.1:9000/cb", "http://127.0.0.1.evil.example:9000/cb"))
                .isFalse();
        assertThat(OidcClients.sameButPort("http://10.0.0.1:9000/cb", "http://10.0.0.1:9001/cb")).isFalse();
        assertThat(OidcClients.sameButPort("http://127.0.0.1:9000/cb", "not a uri at all")).isFalse();
    }

    /**
     * The sign-in checks may act (sign out, step up, send to set-up) only for a callback the endpoint will accept:
     * whatever Gatehouse calls registered, Spring's own redirect URI check accepts, over spellings that differ in
     * port, address, leading zeros, a last part of 0, a trailing dot, case, path or query; and both accept what a
     * native app sends.
     */
    @Test
    void registeredWhenGatehouseSaysSoThenSpringsEndpointAcceptsItToo() {
        List<String> registered = List.of("http://127.0.0.1:9000/cb", "http://[::1]/cb", "http://127.0.0.0:9000/cb",
                "http://127.0.0.1:08080/cb", "https://app.example/cb", "http://localhost:3000/cb",
                "http://127.0.0.1/cb?x=1");
        List<String> requested = List.of("http://127.0.0.1:9000/cb", "http://127.0.0.1:9001/cb", "http://127.0.0.1/cb",
                "http://127.0.0.2:9000/cb", "http://127.0.0.0:9001/cb", "http://127.0.0.1:8080/cb",
                "http://127.0.0.1:08080/cb", "http://[::1]:5000/cb", "http://[0:0:0:0:0:0:0:1]:5000/cb",
                "http://127.0.0.1.:9000/cb", "http://127.000.0.1:9000/cb", "HTTP://127.0.0.1:9000/cb",
                "http://127.0.0.1:9000/CB", "http://127.0.0.1:9000/cb?x=1", "http://127.0.0.1:7/cb?x=1",
                "https://app.example/cb", "https://app.example:443/cb", "http://localhost:3000/cb",
                "http://localhost:3001/cb", "http://127.0.0.1:9000/cb#f");
        for (String uri : registered) {
            RegisteredClient client = RegisteredClient.withId("id").clientId("client").clientSecret("{noop}x")
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE).redirectUri(uri).scope("openid")
                    .build();
            InMemoryRegisteredClientRepository store = new InMemoryRegisteredClientRepository(client);
            for (String asked : requested) {
                if (OidcClients.registeredRedirect(store, "client", asked).isPresent()) {
                    assertThat(springAccepts(client, asked)).as(uri + " <- " + asked).isTrue();
                }
            }
        }
        RegisteredClient nativeApp = RegisteredClient.withId("n").clientId("native")
                .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE).redirectUri("http://127.0.0.1/cb")
                .scope("openid").build();
        InMemoryRegisteredClientRepository store = new InMemoryRegisteredClientRepository(nativeApp);
        for (String asked : List.of("http://127.0.0.1:50123/cb", "http://127.0.0.1/cb")) {
            assertThat(OidcClients.registeredRedirect(store, "native", asked)).as(asked).isPresent();
            assertThat(springAccepts(nativeApp, asked)).as(asked).isTrue();
        }
    }

    private static boolean springAccepts(RegisteredClient client, String requested) {
        OAuth2AuthorizationCodeRequestAuthenticationToken request = new OAuth2AuthorizationCodeRequestAuthenticationToken(
                "http://localhost/oauth2/authorize", client.getClientId(), new TestingAuthenticationToken("u", null),
                requested, "state", Set.of("openid"), Map.of());
        try {
            OAuth2AuthorizationCodeRequestAuthenticationValidator.DEFAULT_REDIRECT_URI_VALIDATOR.accept(
                    OAuth2AuthorizationCodeRequestAuthenticationContext.with(request).registeredClient(client).build());
            return true;
        } catch (OAuth2AuthorizationCodeRequestAuthenticationException refused) {
            return false;
        }
    }

    @Test
    void callbackWhenItsPortIsNoNumberThenNotWellFormedAndNoMatchRatherThanAnException() {
        assertThat(OidcClients.wellFormed("http://127.0.0.1:/cb")).isFalse();
        assertThat(OidcClients.wellFormed("http://127.0.0.1:x/cb")).isFalse();
        assertThat(OidcClients.sameButPort("http://127.0.0.1:9000/cb", "http://127.0.0.1:/cb")).isFalse();
        assertThat(OidcClients.wellFormed("http://127.0.0.1:9000/cb")).isTrue();
        assertThat(OidcClients.wellFormed("https://app.example/cb")).isTrue();
    }
}

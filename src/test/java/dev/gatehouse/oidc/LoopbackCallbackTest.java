package dev.gatehouse.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

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

    @Test
    void callbackWhenItsPortIsNoNumberThenNotWellFormedAndNoMatchRatherThanAnException() {
        assertThat(OidcClients.wellFormed("http://127.0.0.1:/cb")).isFalse();
        assertThat(OidcClients.wellFormed("http://127.0.0.1:x/cb")).isFalse();
        assertThat(OidcClients.sameButPort("http://127.0.0.1:9000/cb", "http://127.0.0.1:/cb")).isFalse();
        assertThat(OidcClients.wellFormed("http://127.0.0.1:9000/cb")).isTrue();
        assertThat(OidcClients.wellFormed("https://app.example/cb")).isTrue();
    }
}

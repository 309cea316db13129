package dev.gatehouse.factor.webauthn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The relying party settings are checked at startup, each refusal naming the key to fix. */
class WebAuthnPropertiesTest {

    static WebAuthnProperties props(String rpId, Set<String> origins) {
        return new WebAuthnProperties(rpId, origins, false, null, "direct", "preferred", Duration.ofMinutes(5));
    }

    @Test
    void rpIdWhenNotSetThenTheHostOfTheOrigins() {
        assertThat(props(null, Set.of("http://localhost:8080")).rpId()).isEqualTo("localhost");
        assertThat(props("", Set.of("https://Sign-In.Example.com/")).rpId()).isEqualTo("sign-in.example.com");
        assertThat(props(null, Set.of("https://sign-in.example.com/")).origins())
                .containsExactly("https://sign-in.example.com");
        assertThatThrownBy(() -> props(null, Set.of("https://a.example.com", "https://b.example.com")))
                .hasMessageContaining("gatehouse.webauthn.rp-id must be set");
    }

    @Test
    void originsWhenOutsideTheRpIdThenRefusedNamingTheFix() {
        assertThat(props("example.com", Set.of("https://sign-in.example.com", "https://example.com")).rpId())
                .isEqualTo("example.com");
        assertThatThrownBy(() -> props("localhost", Set.of("https://login.example.com")))
                .hasMessageContaining("gatehouse.webauthn.rp-id=login.example.com");
        assertThatThrownBy(() -> props("example.com", Set.of("https://notexample.com")))
                .hasMessageContaining("gatehouse.webauthn.rp-id");
    }

    @Test
    void originsWhenNotAPlainOriginOrNotHttpsThenRefused() {
        for (String bad : Set.of("https://example.com/signin", "example.com", "ftp://example.com",
                "https://example.com?x=1", "http://example.com")) {
            assertThatThrownBy(() -> props("example.com", Set.of(bad))).as(bad)
                    .hasMessageContaining("gatehouse.webauthn.origins");
        }
        assertThatThrownBy(() -> props("example.com", Set.of())).hasMessageContaining("gatehouse.webauthn.origins");
    }

    @Test
    void choicesWhenUnknownThenRefused() {
        assertThatThrownBy(() -> new WebAuthnProperties(null, Set.of("http://localhost"), false, null, "always",
                "preferred", Duration.ofMinutes(5))).hasMessageContaining("gatehouse.webauthn.attestation");
        assertThatThrownBy(() -> new WebAuthnProperties(null, Set.of("http://localhost"), false, null, "none",
                "sometimes", Duration.ofMinutes(5))).hasMessageContaining("gatehouse.webauthn.user-verification");
        assertThatThrownBy(() -> new WebAuthnProperties(null, Set.of("http://localhost"), false,
                "http://example.com/app-id.json", "none", "preferred", Duration.ofMinutes(5)))
                .hasMessageContaining("gatehouse.webauthn.app-id");
        assertThatThrownBy(() -> new WebAuthnProperties(null, Set.of("http://localhost"), false, null, "none",
                "preferred", Duration.ofHours(1))).hasMessageContaining("gatehouse.webauthn.timeout");
        assertThat(new WebAuthnProperties(null, Set.of("http://localhost"), false, " ", "NONE", "Required",
                Duration.ofMinutes(2))).satisfies(p -> {
                    assertThat(p.appId()).isNull();
                    assertThat(p.attestation()).isEqualTo("none");
                    assertThat(p.userVerification()).isEqualTo("required");
                    assertThat(p.ceremonyValidity()).isEqualTo(Duration.ofMinutes(3));
                });
    }
}

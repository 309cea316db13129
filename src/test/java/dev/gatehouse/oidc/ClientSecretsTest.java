package dev.gatehouse.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

import dev.gatehouse.crypto.RandomCodes;

/** Client secrets at the token endpoint: SHA-256 for new ones; bcrypt ones still match and are left as they are. */
class ClientSecretsTest {

    @Test
    void encodeWhenNewThenSha256HexOfTheSecretAndOnlyItMatches() {
        String secret = RandomCodes.token();
        String encoded = ClientSecrets.ENCODER.encode(secret);

        assertThat(encoded).matches("\\{sha256\\}[0-9a-f]{64}").doesNotContain(secret);
        assertThat(ClientSecrets.ENCODER.matches(secret, encoded)).isTrue();
        assertThat(ClientSecrets.ENCODER.matches(secret + "x", encoded)).isFalse();
        assertThat(ClientSecrets.ENCODER.matches(secret.substring(1), encoded)).isFalse();
        assertThat(ClientSecrets.ENCODER.matches("", encoded)).isFalse();
        assertThat(ClientSecrets.ENCODER.upgradeEncoding(encoded)).isFalse();
    }

    @Test
    void matchesWhenStoredWithBcryptThenItMatchesAndIsNeverRewrittenBehindANewSecret() {
        String secret = RandomCodes.token();
        String old = "{bcrypt}" + new BCryptPasswordEncoder(4).encode(secret);

        assertThat(ClientSecrets.ENCODER.matches(secret, old)).isTrue();
        assertThat(ClientSecrets.ENCODER.matches("guessed", old)).isFalse();
        assertThat(ClientSecrets.ENCODER.upgradeEncoding(old)).isFalse();
    }

    @Test
    void matchesWhenStoredInPlainTextThenNeverAccepted() {
        assertThat(ClientSecrets.ENCODER.matches("secret", "{noop}secret")).isFalse();
        assertThat(ClientSecrets.ENCODER.matches("secret", "secret")).isFalse();
    }
}

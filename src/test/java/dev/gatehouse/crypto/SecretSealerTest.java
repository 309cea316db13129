package dev.gatehouse.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AES-256-GCM sealing with key ids (DESIGN.md invariant 6), without a Spring context. */
class SecretSealerTest {

    static final String K1 = Base64.getEncoder().encodeToString(RandomCodes.bytes(32));
    static final String K2 = Base64.getEncoder().encodeToString(RandomCodes.bytes(32));
    static final byte[] SECRET = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

    static SecretSealer sealer(String active, Map<String, String> keys) {
        return new SecretSealer(new CryptoProperties(active, keys, null, false));
    }

    final SecretSealer sealer = sealer("k1", Map.of("k1", K1));

    @Test
    void openWhenSealedWithSameContextThenRoundTrips() {
        String sealed = sealer.seal(SECRET, "totp:u1");
        assertThat(sealed).startsWith("v1.k1.").matches("[A-Za-z0-9._-]+");
        assertThat(sealer.open(sealed, "totp:u1")).isEqualTo(SECRET);
    }

    @Test
    void sealWhenSameSecretTwiceThenDifferentValuesFreshNonce() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            seen.add(sealer.seal(SECRET, "totp:u1"));
        }
        assertThat(seen).hasSize(100);
    }

    @Test
    void sealWhenSecretThenNeitherRawNorBase32NorBase64InTheValue() {
        String sealed = sealer.seal(SECRET, "totp:u1");
        assertThat(sealed).doesNotContain("GEZDGNBVGY3TQOJQ").doesNotContain("1234567890")
                .doesNotContain(Base64.getUrlEncoder().withoutPadding().encodeToString(SECRET).substring(0, 12));
    }

    @Test
    void openWhenOtherContextThenFails() {
        String sealed = sealer.seal(SECRET, "totp:u1");
        assertThatThrownBy(() -> sealer.open(sealed, "totp:u2")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not open");
    }

    @Test
    void openWhenAnyCharacterOfTheCiphertextChangedThenFails() {
        String sealed = sealer.seal(SECRET, "totp:u1");
        int body = sealed.lastIndexOf('.') + 1;
        for (int i = body; i < sealed.length(); i++) {
            char c = sealed.charAt(i);
            String tampered = sealed.substring(0, i) + (c == 'A' ? 'B' : 'A') + sealed.substring(i + 1);
            assertThatThrownBy(() -> sealer.open(tampered, "totp:u1")).as("position %d", i)
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void openWhenTruncatedOrMalformedThenFailsWithoutLeakingInput() {
        String sealed = sealer.seal(SECRET, "totp:u1");
        for (String bad : new String[] {null, "", "v1", "v1.k1", "v2" + sealed.substring(2), "v1.k1.AAAA",
                sealed.substring(0, sealed.length() - 3), "v1.k1.!!!!"}) {
            assertThatThrownBy(() -> sealer.open(bad, "totp:u1")).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void openWhenKeyIdRelabelledThenFails() {
        SecretSealer both = sealer("k1", Map.of("k1", K1, "k2", K2));
        String sealed = both.seal(SECRET, "totp:u1");
        assertThatThrownBy(() -> both.open(sealed.replace("v1.k1.", "v1.k2."), "totp:u1"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void openWhenSealedUnderAnotherKeyOrUnknownKeyIdThenFails() {
        String sealed = sealer.seal(SECRET, "totp:u1");
        SecretSealer otherKeySameId = sealer("k1", Map.of("k1", K2));
        assertThatThrownBy(() -> otherKeySameId.open(sealed, "totp:u1")).isInstanceOf(IllegalStateException.class);
        SecretSealer otherId = sealer("k2", Map.of("k2", K2));
        assertThatThrownBy(() -> otherId.open(sealed, "totp:u1")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("k1").hasMessageContaining("not configured");
    }

    @Test
    void openWhenNewActiveKeyAddedThenOldValuesStillOpenAndNewOnesUseTheNewKey() {
        String old = sealer.seal(SECRET, "totp:u1");
        SecretSealer rotated = sealer("k2", Map.of("k1", K1, "k2", K2));

        assertThat(rotated.open(old, "totp:u1")).isEqualTo(SECRET);
        String fresh = rotated.seal(SECRET, "totp:u1");
        assertThat(fresh).startsWith("v1.k2.");
        assertThat(rotated.activeKeyId()).isEqualTo("k2");
        assertThatThrownBy(() -> sealer.open(fresh, "totp:u1")).as("the old node does not know k2")
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void constructorWhenKeyIdsInMixedCaseThenMatchedCaseInsensitively() {
        SecretSealer upper = sealer("K2026", Map.of("K2026", K1));
        String sealed = upper.seal(SECRET, "c");
        assertThat(sealer("k2026", Map.of("k2026", K1)).open(sealed, "c")).isEqualTo(SECRET);
    }

    @Test
    void constructorWhenMisconfiguredThenNamesTheSetting() {
        assertThatThrownBy(() -> sealer(null, Map.of("k1", K1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("gatehouse.crypto.active-key-id");
        assertThatThrownBy(() -> sealer("k9", Map.of("k1", K1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("gatehouse.crypto.keys.k9");
        assertThatThrownBy(() -> sealer("k1", Map.of("k1", "not base64!"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Base64");
        assertThatThrownBy(() -> sealer("k1", Map.of("k1", Base64.getEncoder().encodeToString(new byte[16]))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> sealer("k.1", Map.of("k.1", K1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("key id");
    }

    @Test
    void constructorWhenKeyFileMissingAndGenerationOnThenWritesAPrivateKeyFileThatLaterStartsReuse(
            @TempDir Path dir) throws Exception {
        Path file = dir.resolve("data/gatehouse-keys.properties");
        SecretSealer first = new SecretSealer(new CryptoProperties(null, null, file, true));
        String sealed = first.seal(SECRET, "totp:u1");

        assertThat(file).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file)).contains("active-key-id=trial1").contains("keys.trial1=");
        SecretSealer restarted = new SecretSealer(new CryptoProperties(null, null, file, false));
        assertThat(restarted.open(sealed, "totp:u1")).isEqualTo(SECRET);
    }

    @Test
    void constructorWhenKeyFileMissingAndGenerationOffThenFails(@TempDir Path dir) {
        Path file = dir.resolve("missing.properties");
        assertThatThrownBy(() -> new SecretSealer(new CryptoProperties(null, null, file, false)))
                .hasMessageContaining("gatehouse.crypto.key-file");
    }
}

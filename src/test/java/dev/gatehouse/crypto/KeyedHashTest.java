package dev.gatehouse.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Keyed hashes of short codes: bound to a context, tied to the key, compared in constant time, never reversible from the database alone. */
class KeyedHashTest {

    private static final String KEY_A = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String KEY_B = Base64.getEncoder().encodeToString(RandomCodes.bytes(32));

    private final SecretSealer sealer = new SecretSealer(new CryptoProperties("a", Map.of("a", KEY_A, "b", KEY_B), null, false));

    @Test
    void keyedHashWhenSameCodeAndContextThenMatches() {
        String stored = sealer.keyedHash("123456", "code:ada:SIGN_IN");

        assertThat(stored).startsWith("h1.a.").doesNotContain("123456")
                .isNotEqualTo(Tokens.sha256("123456"));
        assertThat(sealer.keyedHashMatches(stored, "123456", "code:ada:SIGN_IN")).isTrue();
    }

    @Test
    void keyedHashWhenOtherCodeOrContextThenNoMatch() {
        String stored = sealer.keyedHash("123456", "code:ada:SIGN_IN");

        assertThat(sealer.keyedHashMatches(stored, "123457", "code:ada:SIGN_IN")).isFalse();
        assertThat(sealer.keyedHashMatches(stored, "123456", "code:bob:SIGN_IN")).isFalse();
        assertThat(sealer.keyedHashMatches(stored, "123456", "code:ada:SETUP")).isFalse();
    }

    @Test
    void keyedHashWhenOtherKeyOrMalformedThenNoMatchAndNoThrow() {
        SecretSealer otherServer = new SecretSealer(new CryptoProperties("b", Map.of("b", KEY_B), null, false));
        String stored = sealer.keyedHash("123456", "ctx");

        assertThat(otherServer.keyedHashMatches(stored, "123456", "ctx")).as("key a is unknown there").isFalse();
        for (String bad : new String[] {null, "", "h1", "h1.a", "h1.a.!!!", "v1.a.xyz", "h1.zz.AAAA"}) {
            assertThat(sealer.keyedHashMatches(bad, "123456", "ctx")).as(String.valueOf(bad)).isFalse();
        }
        assertThat(sealer.keyedHashMatches(stored, null, "ctx")).isFalse();
    }

    @Test
    void keyedHashWhenActiveKeyRotatedThenOldHashesStillMatch() {
        String underA = sealer.keyedHash("654321", "ctx");
        SecretSealer rotated = new SecretSealer(new CryptoProperties("b", Map.of("a", KEY_A, "b", KEY_B), null, false));

        assertThat(rotated.keyedHash("654321", "ctx")).startsWith("h1.b.");
        assertThat(rotated.keyedHashMatches(underA, "654321", "ctx")).isTrue();
    }
}

package dev.gatehouse.factor.webauthn;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.yubico.webauthn.data.ByteArray;

import dev.gatehouse.factor.webauthn.WebAuthnCeremonies.Account;
import dev.gatehouse.factor.webauthn.WebAuthnCeremonies.AssertionOutcome;
import dev.gatehouse.testsupport.SoftAuthenticator;

/**
 * Keys registered long ago through the U2F API (FIDO U2F 1.2) keep working through the AppID extension (WebAuthn
 * Level 2, section 10.1): a U2F key signs the SHA-256 of the AppID URL where a WebAuthn key signs that of the relying
 * party id. The key pair, the credential and the assertion are made here by hand, as a U2F key would.
 */
class AppIdExtensionTest {

    static final String ORIGIN = "https://sign-in.example.com";
    static final String APP_ID = "https://example.com/u2f/app-id.json";
    static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final UUID userId = UUID.randomUUID();
    private final Account account = new Account("ada@example.com", "Ada", new ByteArray(new byte[] {1, 2, 3, 4}));

    @Test
    void assertionWhenU2fKeySignsTheAppIdHashThenVerifiedThroughTheExtension() throws Exception {
        WebAuthnCeremonies ceremonies = WebAuthnCeremoniesTest.ceremonies("example.com", Set.of(ORIGIN), false, APP_ID);
        KeyPair keys = p256();
        byte[] keyHandle = new byte[64];
        new java.security.SecureRandom().nextBytes(keyHandle);
        WebAuthnCredential imported = u2fCredential(keyHandle, keys, 7);

        PendingCeremony pending = ceremonies.startAssertion(userId, PendingCeremony.Purpose.SIGN_IN, account,
                List.of(imported), NOW);
        assertThat(pending.browserJson()).contains("\"appid\":\"" + APP_ID + "\"");

        String response = u2fAssertion(keys, keyHandle, SoftAuthenticator.challengeOf(pending.browserJson()), 8,
                APP_ID, true);
        AssertionOutcome outcome = ceremonies.finishAssertion(pending, account, List.of(imported), response);
        assertThat(outcome).isInstanceOfSatisfying(AssertionOutcome.Verified.class, v -> {
            assertThat(v.credential().imported()).isTrue();
            assertThat(v.signatureCount()).isEqualTo(8);
        });
    }

    @Test
    void assertionWhenU2fKeyButNoAppIdConfiguredThenRefused() throws Exception {
        WebAuthnCeremonies ceremonies = WebAuthnCeremoniesTest.ceremonies("example.com", Set.of(ORIGIN), false, null);
        KeyPair keys = p256();
        byte[] keyHandle = new byte[] {9, 9, 9, 9, 9, 9, 9, 9};
        WebAuthnCredential imported = u2fCredential(keyHandle, keys, 0);
        PendingCeremony pending = ceremonies.startAssertion(userId, PendingCeremony.Purpose.SIGN_IN, account,
                List.of(imported), NOW);
        assertThat(pending.browserJson()).doesNotContain("appid");
        String response = u2fAssertion(keys, keyHandle, SoftAuthenticator.challengeOf(pending.browserJson()), 1,
                APP_ID, true);
        assertThat(ceremonies.finishAssertion(pending, account, List.of(imported), response))
                .isInstanceOf(AssertionOutcome.Rejected.class);
    }

    @Test
    void assertionWhenU2fKeySignsAnotherAppIdThenRefused() throws Exception {
        WebAuthnCeremonies ceremonies = WebAuthnCeremoniesTest.ceremonies("example.com", Set.of(ORIGIN), false, APP_ID);
        KeyPair keys = p256();
        byte[] keyHandle = new byte[] {5, 5, 5, 5, 5, 5, 5, 5};
        WebAuthnCredential imported = u2fCredential(keyHandle, keys, 0);
        PendingCeremony pending = ceremonies.startAssertion(userId, PendingCeremony.Purpose.SIGN_IN, account,
                List.of(imported), NOW);
        String response = u2fAssertion(keys, keyHandle, SoftAuthenticator.challengeOf(pending.browserJson()), 1,
                "https://evil.example/app-id.json", true);
        assertThat(ceremonies.finishAssertion(pending, account, List.of(imported), response))
                .isInstanceOfSatisfying(AssertionOutcome.Rejected.class,
                        r -> assertThat(r.problem()).isEqualTo(WebAuthnProblem.NOT_VERIFIED));
    }

    private WebAuthnCredential u2fCredential(byte[] keyHandle, KeyPair keys, long counter) {
        return new WebAuthnCredential(UUID.randomUUID(), UUID.randomUUID(), userId, B64URL.encodeToString(keyHandle),
                null, B64URL.encodeToString(raw((ECPublicKey) keys.getPublic())), counter, "0".repeat(32), "fido-u2f",
                List.of("usb"), CredentialKind.SECURITY_KEY, "Old key", false, NOW, null);
    }

    /** What a browser returns for a U2F key answering through the appid extension. */
    private static String u2fAssertion(KeyPair keys, byte[] keyHandle, String challenge, int counter, String appId,
                                       boolean claimAppId) throws Exception {
        byte[] clientData = ("{\"type\":\"webauthn.get\",\"challenge\":\"" + challenge + "\",\"origin\":\"" + ORIGIN
                + "\",\"crossOrigin\":false}").getBytes(StandardCharsets.UTF_8);
        ByteBuffer authData = ByteBuffer.allocate(37);
        authData.put(sha256(appId.getBytes(StandardCharsets.UTF_8))); // rpIdHash: of the AppID, as U2F signs
        authData.put((byte) 0x01);                                     // user present
        authData.putInt(counter);
        Signature signature = Signature.getInstance("SHA256withECDSA");
        signature.initSign(keys.getPrivate());
        signature.update(authData.array());
        signature.update(sha256(clientData));
        String id = B64URL.encodeToString(keyHandle);
        return "{\"type\":\"public-key\",\"id\":\"" + id + "\",\"rawId\":\"" + id + "\",\"response\":{"
                + "\"authenticatorData\":\"" + B64URL.encodeToString(authData.array()) + "\","
                + "\"clientDataJSON\":\"" + B64URL.encodeToString(clientData) + "\","
                + "\"signature\":\"" + B64URL.encodeToString(signature.sign()) + "\"},"
                + "\"clientExtensionResults\":{" + (claimAppId ? "\"appid\":true" : "") + "}}";
    }

    private static KeyPair p256() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    /** The X9.62 uncompressed point, as U2F registration responses carry the public key. */
    private static byte[] raw(ECPublicKey key) {
        byte[] out = new byte[65];
        out[0] = 0x04;
        put(key.getW().getAffineX(), out, 1);
        put(key.getW().getAffineY(), out, 33);
        return out;
    }

    private static void put(BigInteger value, byte[] out, int offset) {
        byte[] bytes = value.toByteArray();
        int start = Math.max(0, bytes.length - 32);
        System.arraycopy(bytes, start, out, offset + 32 - (bytes.length - start), bytes.length - start);
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }
}

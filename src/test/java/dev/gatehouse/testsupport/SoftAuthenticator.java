package dev.gatehouse.testsupport;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.upokecenter.cbor.CBORObject;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A security key in software for tests that speak HTTP or call the services: it answers the JSON a page hands the
 * browser ({@code navigator.credentials.create/get} options) with the JSON the page's script posts back, signing with
 * EC P-256 keys it generates. Written from the specification (WebAuthn Level 2, sections 6.1 and 6.5), apart from the
 * server and from Yubico's library. Each {@code with...} method changes one thing about the next answers, so tests can
 * send what a broken or malicious client would.
 */
public final class SoftAuthenticator {

    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64URL_DECODE = Base64.getUrlDecoder();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One credential this authenticator holds. */
    public static final class Credential {
        private final byte[] id;
        private final KeyPair keys;
        private final byte[] userHandle;
        private final String rpId;
        private long counter;

        Credential(byte[] id, KeyPair keys, byte[] userHandle, String rpId) {
            this.id = id;
            this.keys = keys;
            this.userHandle = userHandle;
            this.rpId = rpId;
        }

        public String id() {
            return B64URL.encodeToString(id);
        }

        public long counter() {
            return counter;
        }

        /** The raw X9.62 uncompressed public key (65 bytes), as U2F registrations stored it. */
        public byte[] rawPublicKey() {
            return SoftAuthenticator.rawPublicKey((ECPublicKey) keys.getPublic());
        }
    }

    private final String origin;
    private final List<Credential> credentials = new ArrayList<>();
    private final SecureRandom random = new SecureRandom();
    private String fmt = "none";
    private String attachment = "cross-platform";
    private List<String> transports = List.of("usb");
    private String originOverride;
    private Long counterOverride;
    private int counterStep = 1;
    private boolean userVerified = true;
    private int idLength = 32;

    /** @param origin the page origin the browser would write into the client data, e.g. {@code http://localhost:8080} */
    public SoftAuthenticator(String origin) {
        this.origin = origin;
    }

    /** Attestation statement format at registration: {@code none} (default) or {@code packed} (self attestation). */
    public SoftAuthenticator withFormat(String format) {
        this.fmt = format;
        return this;
    }

    /** A platform authenticator (Touch ID, Windows Hello): attachment {@code platform}, transport {@code internal}. */
    public SoftAuthenticator asPlatform() {
        this.attachment = "platform";
        this.transports = List.of("internal");
        return this;
    }

    /** Writes this origin into the client data instead of the real one (a phishing page, a misconfiguration). */
    public SoftAuthenticator withOrigin(String forged) {
        this.originOverride = forged;
        return this;
    }

    /** Signs the next assertions with this counter value instead of counting up (null: count up again). */
    public SoftAuthenticator withCounter(Long counter) {
        this.counterOverride = counter;
        return this;
    }

    /** Counts up by this much per signature; 0 for authenticators that do not count (always 0). */
    public SoftAuthenticator withCounterStep(int step) {
        this.counterStep = step;
        return this;
    }

    /** Makes its next credentials with ids of this many bytes (32 by default; WebAuthn allows at most 1023). */
    public SoftAuthenticator withIdLength(int bytes) {
        this.idLength = bytes;
        return this;
    }

    public SoftAuthenticator withUserVerified(boolean verified) {
        this.userVerified = verified;
        return this;
    }

    public List<Credential> credentials() {
        return List.copyOf(credentials);
    }

    /**
     * A credential made outside any ceremony, as a U2F-era system registered it: bound to {@code appIdOrRpId} (the
     * AppID URL, whose SHA-256 the key signs as its "rpIdHash"), with no user handle.
     */
    public Credential u2fCredential(String appIdOrRpId) {
        Credential c = new Credential(randomBytes(64), newKeyPair(), null, appIdOrRpId);
        credentials.add(c);
        return c;
    }

    // --- registration -----------------------------------------------------------------------------------------

    /** Answers {@code navigator.credentials.create} options (the JSON a page hands its script) with a new credential. */
    public String register(String createJson) {
        return register(createJson, null);
    }

    /**
     * Answers with a credential it holds already (its id and key), as a client would that tries to register one
     * credential for a second user; null makes a new one.
     */
    public String register(String createJson, Credential reuse) {
        JsonNode options = JSON.readTree(createJson).path("publicKey");
        String rpId = options.path("rp").path("id").asString();
        byte[] userHandle = B64URL_DECODE.decode(options.path("user").path("id").asString());
        String challenge = options.path("challenge").asString();
        Credential credential = reuse != null ? reuse
                : new Credential(randomBytes(idLength), newKeyPair(), userHandle, rpId);
        byte[] clientData = clientData("webauthn.create", challenge);
        ByteArrayOutputStream authData = new ByteArrayOutputStream();
        authData.writeBytes(sha256(rpId.getBytes(StandardCharsets.UTF_8)));
        authData.write(0x41 | (userVerified ? 0x04 : 0)); // UP, AT (and UV)
        authData.writeBytes(ByteBuffer.allocate(4).putInt((int) credential.counter).array());
        authData.writeBytes(new byte[16]); // AAGUID: this software key is no certified model
        authData.writeBytes(ByteBuffer.allocate(2).putShort((short) credential.id.length).array());
        authData.writeBytes(credential.id);
        authData.writeBytes(coseKey((ECPublicKey) credential.keys.getPublic()));
        byte[] authDataBytes = authData.toByteArray();
        CBORObject statement = CBORObject.NewMap();
        if ("packed".equals(fmt)) {
            statement.Add("alg", -7).Add("sig", sign(credential, concat(authDataBytes, sha256(clientData))));
        }
        CBORObject attestation = CBORObject.NewMap().Add("fmt", fmt).Add("attStmt", statement)
                .Add("authData", authDataBytes);
        if (reuse == null) {
            credentials.add(credential);
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("clientDataJSON", B64URL.encodeToString(clientData));
        response.put("attestationObject", B64URL.encodeToString(attestation.EncodeToBytes()));
        response.put("transports", transports);
        return write(Map.of("type", "public-key", "id", credential.id(), "rawId", credential.id(),
                "authenticatorAttachment", attachment, "response", response,
                "clientExtensionResults", Map.of("credProps", Map.of("rk", false))));
    }

    // --- assertion --------------------------------------------------------------------------------------------

    /**
     * Answers {@code navigator.credentials.get} options with the first credential of its own that they allow (or, when
     * they allow none by id, its first credential). With an {@code appid} extension and a credential bound to that
     * AppID, answers as an old U2F key does.
     */
    public String authenticate(String getJson) {
        JsonNode options = JSON.readTree(getJson).path("publicKey");
        List<String> allowed = new ArrayList<>();
        options.path("allowCredentials").forEach(c -> allowed.add(c.path("id").asString()));
        Credential credential = credentials.stream().filter(c -> allowed.contains(c.id())).findFirst()
                .orElseGet(() -> credentials.get(0));
        return authenticate(getJson, credential);
    }

    /** Answers with this credential, whether the options allow it or not (a client that tries another user's key). */
    public String authenticate(String getJson, Credential credential) {
        JsonNode options = JSON.readTree(getJson).path("publicKey");
        String rpId = options.path("rpId").asString();
        String appId = options.path("extensions").path("appid").asString("");
        boolean viaAppId = !appId.isEmpty() && appId.equals(credential.rpId);
        return assertion(credential, clientData("webauthn.get", options.path("challenge").asString()),
                viaAppId ? appId : rpId, viaAppId);
    }

    /** An assertion over client data the caller made (e.g. cut short), by this credential, for this relying party id. */
    public String assertion(Credential credential, byte[] clientData, String signedRpId, boolean viaAppId) {
        long counter = counterOverride != null ? counterOverride : credential.counter + counterStep;
        credential.counter = counter;
        ByteArrayOutputStream authData = new ByteArrayOutputStream();
        authData.writeBytes(sha256(signedRpId.getBytes(StandardCharsets.UTF_8)));
        authData.write(0x01 | (userVerified && !viaAppId ? 0x04 : 0));
        authData.writeBytes(ByteBuffer.allocate(4).putInt((int) counter).array());
        byte[] authDataBytes = authData.toByteArray();
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("authenticatorData", B64URL.encodeToString(authDataBytes));
        response.put("clientDataJSON", B64URL.encodeToString(clientData));
        response.put("signature", B64URL.encodeToString(sign(credential, concat(authDataBytes, sha256(clientData)))));
        if (credential.userHandle != null) {
            response.put("userHandle", B64URL.encodeToString(credential.userHandle));
        }
        return write(Map.of("type", "public-key", "id", credential.id(), "rawId", credential.id(),
                "response", response,
                "clientExtensionResults", viaAppId ? Map.of("appid", true) : Map.of()));
    }

    /** The client data a browser writes (type, challenge, origin). */
    public byte[] clientData(String type, String challenge) {
        return ("{\"type\":\"" + type + "\",\"challenge\":\"" + challenge + "\",\"origin\":\""
                + (originOverride != null ? originOverride : origin) + "\",\"crossOrigin\":false}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The challenge in options JSON handed to the browser. */
    public static String challengeOf(String optionsJson) {
        return JSON.readTree(optionsJson).path("publicKey").path("challenge").asString();
    }

    // --- encodings ----------------------------------------------------------------------------------------------

    private static byte[] coseKey(ECPublicKey key) {
        byte[] raw = rawPublicKey(key);
        return CBORObject.NewMap().Add(1, 2).Add(3, -7).Add(-1, 1)
                .Add(-2, java.util.Arrays.copyOfRange(raw, 1, 33))
                .Add(-3, java.util.Arrays.copyOfRange(raw, 33, 65)).EncodeToBytes();
    }

    static byte[] rawPublicKey(ECPublicKey key) {
        byte[] out = new byte[65];
        out[0] = 0x04;
        copyUnsigned(key.getW().getAffineX(), out, 1);
        copyUnsigned(key.getW().getAffineY(), out, 33);
        return out;
    }

    private static void copyUnsigned(BigInteger value, byte[] out, int offset) {
        byte[] bytes = value.toByteArray();
        int start = bytes.length > 32 ? bytes.length - 32 : 0;
        int length = bytes.length - start;
        System.arraycopy(bytes, start, out, offset + 32 - length, length);
    }

    private byte[] sign(Credential credential, byte[] data) {
        try {
            Signature signature = Signature.getInstance("SHA256withECDSA");
            signature.initSign(credential.keys.getPrivate());
            signature.update(data);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    public static String base64Url(byte[] bytes) {
        return B64URL.encodeToString(bytes);
    }

    private static String write(Object value) {
        return JSON.writeValueAsString(value);
    }
}

package dev.gatehouse.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

/**
 * Seals secrets with AES-256-GCM under a key kept outside the database (DESIGN.md invariant 6).
 *
 * <p>A sealed value is {@code v1.<keyId>.<base64url(nonce || ciphertext || tag)>}: the key id lets old values open
 * after the active key changes. Each seal takes a fresh 96-bit random nonce. The caller's {@code context} (e.g.
 * {@code "totp:" + userId}) is bound as associated data, so a sealed value copied to another user's row does not
 * open. Opening a value that was tampered with, sealed under another context, or under an unknown key fails with
 * {@link IllegalStateException}: that is never a user error, always corruption or an attack.
 *
 * <p>Never lazy, not even with {@code spring.main.lazy-initialization=true}: a missing or wrong key stops the start,
 * not the first sign-in that needs it.
 */
@Component
@Lazy(false)
public class SecretSealer {

    private static final Logger log = LoggerFactory.getLogger(SecretSealer.class);
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final Map<String, SecretKey> keys;
    private final String activeKeyId;

    public SecretSealer(CryptoProperties properties) {
        Map<String, String> encoded = new HashMap<>(properties.keys());
        String active = properties.activeKeyId();
        if (properties.keyFile() != null && !properties.keyFile().toString().isBlank()) {
            if (!Files.exists(properties.keyFile()) && properties.generateKeyFile()) {
                generate(properties);
            }
            Properties file = read(properties);
            file.stringPropertyNames().stream().filter(n -> n.startsWith("keys."))
                    .forEach(n -> encoded.putIfAbsent(n.substring(5), file.getProperty(n).strip()));
            if (active == null) {
                active = file.getProperty("active-key-id");
            }
        }
        if (active == null || active.isBlank()) {
            throw new IllegalStateException("gatehouse.crypto.active-key-id is not set: name the key that seals secrets");
        }
        Map<String, SecretKey> parsed = new HashMap<>();
        encoded.forEach((id, value) -> parsed.put(id.toLowerCase(java.util.Locale.ROOT), key(id, value)));
        this.activeKeyId = active.strip().toLowerCase(java.util.Locale.ROOT);
        if (!parsed.containsKey(activeKeyId)) {
            throw new IllegalStateException("gatehouse.crypto.keys." + activeKeyId + " is missing: the active key id "
                    + "must name one of the configured keys");
        }
        this.keys = Map.copyOf(parsed);
    }

    /** Seals {@code secret} for {@code context}; the result is ASCII and at most about 1.4 x the secret plus 60. */
    public String seal(byte[] secret, String context) {
        try {
            byte[] nonce = RandomCodes.bytes(NONCE_BYTES);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(activeKeyId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(activeKeyId, context));
            byte[] sealed = cipher.doFinal(secret);
            byte[] out = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
            return "v1." + activeKeyId + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** Opens a value sealed by {@link #seal} with the same context. The caller should zero the result after use. */
    public byte[] open(String sealed, String context) {
        String[] parts = sealed == null ? new String[0] : sealed.split("\\.", 3);
        if (parts.length != 3 || !"v1".equals(parts[0])) {
            throw new IllegalStateException("not a sealed value");
        }
        SecretKey key = keys.get(parts[1]);
        if (key == null) {
            throw new IllegalStateException("sealed under key id " + parts[1] + ", which is not configured");
        }
        try {
            byte[] in = Base64.getUrlDecoder().decode(parts[2]);
            if (in.length < NONCE_BYTES + TAG_BITS / 8) {
                throw new IllegalStateException("sealed value is truncated");
            }
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            cipher.updateAAD(aad(parts[1], context));
            return cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("sealed value does not open (tampered, or another context or key)");
        }
    }

    /**
     * A keyed hash (HMAC-SHA256) of a short secret, such as a 6-digit code, for storage. A plain hash of a code would be
     * reversed by trying all million codes; this one cannot be without the key, which is not in the database. The
     * MAC key is derived from the active sealing key, and bound to {@code context} (e.g. the challenge a code
     * belongs to), so a hash copied elsewhere matches nothing. The result names its key: {@code h1.<keyId>.<base64url>}.
     */
    public String keyedHash(String value, String context) {
        return "h1." + activeKeyId + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac(activeKeyId, value, context));
    }

    /**
     * Whether {@code value} hashes to {@code stored} (made by {@link #keyedHash}) under the same context, compared in
     * constant time. False for null, malformed values and keys no longer configured; never throws for them.
     */
    public boolean keyedHashMatches(String stored, String value, String context) {
        String[] parts = stored == null || value == null ? new String[0] : stored.split("\\.", 3);
        if (parts.length != 3 || !"h1".equals(parts[0]) || !keys.containsKey(parts[1])) {
            return false;
        }
        byte[] expected;
        try {
            expected = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return java.security.MessageDigest.isEqual(expected, mac(parts[1], value, context));
    }

    private byte[] mac(String keyId, String value, String context) {
        try {
            javax.crypto.Mac derive = javax.crypto.Mac.getInstance("HmacSHA256");
            derive.init(new SecretKeySpec(keys.get(keyId).getEncoded(), "HmacSHA256"));
            byte[] macKey = derive.doFinal("gatehouse-keyed-hash-v1".getBytes(StandardCharsets.UTF_8));
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(macKey, "HmacSHA256"));
            mac.update(context.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    /** The key id new values are sealed under. */
    public String activeKeyId() {
        return activeKeyId;
    }

    private static byte[] aad(String keyId, String context) {
        return ("gatehouse-v1|" + keyId + "|" + context).getBytes(StandardCharsets.UTF_8);
    }

    private static SecretKey key(String id, String base64) {
        if (!KEY_ID.matcher(id).matches()) {
            throw new IllegalStateException("gatehouse.crypto.keys: key id '" + id + "' must be 1-32 letters, digits, - or _");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("gatehouse.crypto.keys." + id + " is not Base64");
        }
        if (raw.length != 32) {
            throw new IllegalStateException("gatehouse.crypto.keys." + id + " must be 32 bytes (openssl rand -base64 32)");
        }
        return new SecretKeySpec(raw, "AES");
    }

    private static Properties read(CryptoProperties properties) {
        Properties file = new Properties();
        try (InputStream in = Files.newInputStream(properties.keyFile())) {
            file.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read gatehouse.crypto.key-file " + properties.keyFile(), e);
        }
        return file;
    }

    private static void generate(CryptoProperties properties) {
        String id = "trial1";
        String content = "# Gatehouse encryption key, generated for the trial setup. Keep it secret, keep it safe:\n"
                + "# without it the authenticator app keys in the database cannot be opened.\n"
                + "active-key-id=" + id + "\n" + "keys." + id + "=" + Base64.getEncoder().encodeToString(RandomCodes.bytes(32)) + "\n";
        try {
            if (properties.keyFile().toAbsolutePath().getParent() != null) {
                Files.createDirectories(properties.keyFile().toAbsolutePath().getParent());
            }
            try (OutputStream out = Files.newOutputStream(properties.keyFile(), StandardOpenOption.CREATE_NEW)) {
                out.write(content.getBytes(StandardCharsets.UTF_8));
            }
            try {
                Files.setPosixFilePermissions(properties.keyFile(), PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // Not a POSIX file system (Windows): the folder's own permissions apply.
            }
            log.info("Generated a new encryption key in {}", properties.keyFile().toAbsolutePath());
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            // Another node or test created it first: use theirs.
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write gatehouse.crypto.key-file " + properties.keyFile(), e);
        }
    }
}

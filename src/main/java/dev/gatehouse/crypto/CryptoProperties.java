package dev.gatehouse.crypto;

import java.nio.file.Path;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the keys that seal secrets (TOTP seeds) come from. Never the database: a stolen database alone opens nothing.
 *
 * @param activeKeyId     the id of the key that seals new secrets; older keys in {@code keys} still open what they
 *                        sealed, which is how keys rotate. No default (the trial setup reads it from the key file)
 * @param keys            key id to Base64 of 32 random bytes (AES-256), e.g. from the environment variable
 *                        {@code GATEHOUSE_CRYPTO_KEYS_K2026}; default none
 * @param keyFile         a properties file with {@code active-key-id=} and {@code keys.<id>=} lines, read when set;
 *                        default in the trial setup {@code ./data/gatehouse-keys.properties}, none in production
 * @param generateKeyFile create {@code keyFile} with a fresh key when it does not exist; true in the trial setup,
 *                        false in production
 */
@ConfigurationProperties("gatehouse.crypto")
public record CryptoProperties(String activeKeyId, Map<String, String> keys, Path keyFile,
                               @DefaultValue("false") boolean generateKeyFile) {

    public CryptoProperties {
        keys = keys == null ? Map.of() : Map.copyOf(keys);
    }
}

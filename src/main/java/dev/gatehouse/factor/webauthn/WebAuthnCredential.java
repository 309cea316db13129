package dev.gatehouse.factor.webauthn;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One registered credential of a user. Binary values are base64url without padding.
 *
 * @param factorId         the user's {@code second_factors} row this credential is: the id pages and removal use
 * @param credentialId     what the authenticator calls it; unique over all users
 * @param publicKeyCose    the COSE public key; null for an imported U2F key, which has {@code publicKeyU2f}
 * @param publicKeyU2f     the raw X9.62 P-256 public key of a key imported from a U2F-era system; null otherwise
 * @param signatureCount   the highest signature counter seen; 0 for authenticators that do not count
 * @param aaguid           the authenticator model, 32 hex digits; all zeros when not shared
 * @param attestationFormat the attestation statement format at registration ({@code packed}, {@code fido-u2f},
 *                         {@code none}, ...)
 * @param transports       what the browser reported (usb, nfc, ble, internal, hybrid); never null
 * @param name             the user's plain-text name for it; shown escaped, never as markup
 * @param possiblyCloned   a signature counter went backwards: refused until the user removes it
 * @param lastUsedAt       null until first used at a sign-in
 */
public record WebAuthnCredential(UUID id, UUID factorId, UUID userId, String credentialId, String publicKeyCose,
                                 String publicKeyU2f, long signatureCount, String aaguid, String attestationFormat,
                                 List<String> transports, CredentialKind kind, String name, boolean possiblyCloned,
                                 Instant createdAt, Instant lastUsedAt) {

    public WebAuthnCredential {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(factorId, "factorId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(credentialId, "credentialId");
        if (publicKeyCose == null && publicKeyU2f == null) {
            throw new IllegalArgumentException("a credential needs publicKeyCose or publicKeyU2f");
        }
        transports = List.copyOf(Objects.requireNonNull(transports, "transports"));
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** Whether it was imported from a U2F-era system (and so answers through the AppID extension). */
    public boolean imported() {
        return publicKeyCose == null;
    }
}

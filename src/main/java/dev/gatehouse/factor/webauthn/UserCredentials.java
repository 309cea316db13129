package dev.gatehouse.factor.webauthn;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import com.yubico.webauthn.CredentialRepository;
import com.yubico.webauthn.RegisteredCredential;
import com.yubico.webauthn.data.AuthenticatorTransport;
import com.yubico.webauthn.data.ByteArray;
import com.yubico.webauthn.data.PublicKeyCredentialDescriptor;
import com.yubico.webauthn.data.exception.Base64UrlException;

/**
 * The credential repository Yubico's relying party sees during one ceremony: the credentials of the one user doing
 * it, and nothing else. Whatever a response claims (another user's credential id, another user handle), a lookup
 * outside this user finds nothing, so the ceremony fails — the lesson of Yubico 2.9.0's fix, applied where it cannot be
 * forgotten: the repository simply does not know other users. Global uniqueness of credential ids at registration is
 * the storage's job (a unique constraint), not a lookup here.
 */
final class UserCredentials implements CredentialRepository {

    private final String username;
    private final ByteArray userHandle;
    private final List<WebAuthnCredential> credentials;

    /**
     * @param username    what Yubico calls the user: their {@code UserIdentity.name} (the email address)
     * @param userHandle  the user's WebAuthn user handle
     * @param credentials this user's credentials, and only theirs
     */
    UserCredentials(String username, ByteArray userHandle, List<WebAuthnCredential> credentials) {
        this.username = Objects.requireNonNull(username, "username");
        this.userHandle = Objects.requireNonNull(userHandle, "userHandle");
        this.credentials = List.copyOf(credentials);
        if (this.credentials.stream().map(WebAuthnCredential::userId).distinct().count() > 1) {
            throw new IllegalArgumentException("credentials of more than one user");
        }
    }

    @Override
    public Set<PublicKeyCredentialDescriptor> getCredentialIdsForUsername(String name) {
        if (!username.equals(name)) {
            return Set.of();
        }
        return credentials.stream().map(UserCredentials::descriptor).collect(Collectors.toCollection(TreeSet::new));
    }

    @Override
    public Optional<ByteArray> getUserHandleForUsername(String name) {
        return username.equals(name) ? Optional.of(userHandle) : Optional.empty();
    }

    @Override
    public Optional<String> getUsernameForUserHandle(ByteArray handle) {
        return userHandle.equals(handle) ? Optional.of(username) : Optional.empty();
    }

    @Override
    public Optional<RegisteredCredential> lookup(ByteArray credentialId, ByteArray handle) {
        if (!userHandle.equals(handle)) {
            return Optional.empty();
        }
        return find(credentialId).map(this::registered);
    }

    @Override
    public Set<RegisteredCredential> lookupAll(ByteArray credentialId) {
        return find(credentialId).map(this::registered).map(Set::of).orElse(Set.of());
    }

    /** The stored credential behind an id, if it is this user's. */
    Optional<WebAuthnCredential> find(ByteArray credentialId) {
        String id = credentialId.getBase64Url();
        return credentials.stream().filter(c -> c.credentialId().equals(id)).findFirst();
    }

    private RegisteredCredential registered(WebAuthnCredential c) {
        RegisteredCredential.RegisteredCredentialBuilder builder = c.publicKeyCose() != null
                ? RegisteredCredential.builder().credentialId(bytes(c.credentialId())).userHandle(userHandle)
                        .publicKeyCose(bytes(c.publicKeyCose()))
                : RegisteredCredential.builder().credentialId(bytes(c.credentialId())).userHandle(userHandle)
                        .publicKeyEs256Raw(bytes(c.publicKeyU2f()));
        return builder.signatureCount(c.signatureCount()).build();
    }

    private static PublicKeyCredentialDescriptor descriptor(WebAuthnCredential c) {
        PublicKeyCredentialDescriptor.PublicKeyCredentialDescriptorBuilder builder =
                PublicKeyCredentialDescriptor.builder().id(bytes(c.credentialId()));
        if (!c.transports().isEmpty()) {
            Set<AuthenticatorTransport> transports = c.transports().stream().map(AuthenticatorTransport::of)
                    .collect(Collectors.toCollection(TreeSet::new));
            builder.transports(transports);
        }
        return builder.build();
    }

    static ByteArray bytes(String base64Url) {
        try {
            return ByteArray.fromBase64Url(base64Url);
        } catch (Base64UrlException e) {
            throw new IllegalStateException("stored value is not base64url", e);
        }
    }
}

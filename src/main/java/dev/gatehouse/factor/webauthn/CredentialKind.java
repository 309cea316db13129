package dev.gatehouse.factor.webauthn;

import java.util.Optional;
import java.util.Set;

import com.yubico.webauthn.data.AuthenticatorAttachment;

/**
 * What kind of device holds a credential, as the list shows it. Told by the browser at registration (the
 * authenticator attachment, else the transports); a hint for people, never used for a security decision.
 */
public enum CredentialKind {
    /** Built into the computer or phone the browser runs on: Touch ID, Face ID, Windows Hello, an Android screen lock. */
    THIS_DEVICE("Fingerprint, face or screen lock of a device"),
    /** A removable key: USB, NFC or Bluetooth (YubiKey and the like, old U2F keys). */
    SECURITY_KEY("Security key"),
    /** A phone used from another computer (a QR code and Bluetooth: the "hybrid" transport). */
    PHONE("Phone");

    private final String displayName;

    CredentialKind(String displayName) {
        this.displayName = displayName;
    }

    /** The English name used in emails; pages use the message key {@code webauthn.kind.<NAME>}. */
    public String displayName() {
        return displayName;
    }

    static CredentialKind of(Optional<AuthenticatorAttachment> attachment, Set<String> transports) {
        if (attachment.isPresent()) {
            if (attachment.get() == AuthenticatorAttachment.PLATFORM) {
                return THIS_DEVICE;
            }
            return transports.contains("hybrid") && !transports.contains("usb") && !transports.contains("nfc")
                    ? PHONE : SECURITY_KEY;
        }
        if (transports.contains("internal")) {
            return THIS_DEVICE;
        }
        return transports.equals(Set.of("hybrid")) ? PHONE : SECURITY_KEY;
    }
}

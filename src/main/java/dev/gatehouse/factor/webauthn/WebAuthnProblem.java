package dev.gatehouse.factor.webauthn;

/**
 * Why a ceremony's answer was refused, as the page tells it ({@link #messageKey()}). Never more detail than the user
 * can act on: the precise reason goes to the audit log.
 */
public enum WebAuthnProblem {
    /** The answer was not the JSON of a credential (or was cut short). */
    MALFORMED,
    /** No ceremony is waiting: never started, already answered (a challenge is used once), another user's or expired. */
    EXPIRED,
    /** Yubico's checks failed: challenge, origin, relying party, signature, user presence or verification. */
    NOT_VERIFIED,
    /** The credential is not one of this user's. */
    UNKNOWN_CREDENTIAL,
    /** At registration: this credential is registered already (to this user or to someone else). */
    ALREADY_REGISTERED,
    /** The credential was marked as possibly copied earlier and is refused until removed. */
    POSSIBLY_CLONED,
    /** The signature counter went backwards just now: the credential was marked as possibly copied. */
    COUNTER_WENT_BACKWARDS,
    /** The browser did not answer: cancelled, timed out, or the device said no. */
    CANCELLED,
    /** The browser or device cannot do Web Authentication here (or script is off). */
    UNSUPPORTED,
    /** At registration: this device is already registered to this user (the browser refused to create another). */
    ALREADY_ON_DEVICE,
    /** At registration: the rules of the user's account do not allow security keys. */
    NOT_ALLOWED;

    public String messageKey() {
        return this == NOT_ALLOWED ? dev.gatehouse.factor.MethodRules.NOT_ALLOWED : "webauthn.problem." + name();
    }

    /**
     * The problem a browser-side failure stands for: the {@code DOMException} name the script posts instead of a
     * credential ({@code NotAllowedError}, {@code InvalidStateError}, ...); anything else is {@link #CANCELLED}.
     */
    public static WebAuthnProblem fromBrowserError(String name) {
        if (name == null) {
            return CANCELLED;
        }
        return switch (name) {
            case "InvalidStateError" -> ALREADY_ON_DEVICE;
            case "NotSupportedError", "SecurityError", "NoScript" -> UNSUPPORTED;
            default -> CANCELLED;
        };
    }
}

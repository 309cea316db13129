package dev.gatehouse.signin;

import java.util.List;
import java.util.Objects;

import dev.gatehouse.account.DeviceTrustPeriod;
import dev.gatehouse.factor.FactorType;

/**
 * What the second sign-in step can offer a user: their methods (code methods and WebAuthn), the primary first; how many
 * backup codes are left; and for how long "Remember this device" would remember this browser.
 *
 * @param methods         never null; the primary method first
 * @param rememberPeriod  null when the user's accounts allow no trusted device ("this sign-in only")
 */
public record SecondStepChoices(List<FactorType> methods, int backupCodesLeft, DeviceTrustPeriod rememberPeriod) {

    public SecondStepChoices {
        methods = List.copyOf(Objects.requireNonNull(methods, "methods"));
    }

    /** The method asked for first; null when the user has no method. */
    public FactorType primary() {
        return methods.isEmpty() ? null : methods.get(0);
    }

    /**
     * Whether a user who cannot use their method has nothing else to try: no backup code left and no other method.
     * The page then explains the way back (an account admin resets their two-step verification).
     */
    public boolean noWayLeft() {
        return backupCodesLeft == 0 && methods.size() <= 1;
    }
}

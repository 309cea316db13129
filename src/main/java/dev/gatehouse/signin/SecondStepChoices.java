package dev.gatehouse.signin;

import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import dev.gatehouse.account.DeviceTrustPeriod;
import dev.gatehouse.factor.FactorType;

/**
 * What the second sign-in step can offer a user: their methods (code methods and security keys), the primary first;
 * the stand-ins they can still use (backup codes, with how many are left); and for how long "Remember this device"
 * would remember this browser.
 *
 * @param methods         never null; the primary method first
 * @param standIns        never null; only those with uses left
 * @param rememberPeriod  null when the user's accounts allow no trusted device ("this sign-in only")
 * @param codeless        never null; those of {@code methods} answered without a code (a security key), which a pause
 *                        of code entry does not stop
 */
public record SecondStepChoices(List<FactorType> methods, List<StandIn> standIns, DeviceTrustPeriod rememberPeriod,
                                List<FactorType> codeless) {

    /** A method that stands in for the others, its page (null: none of its own), and how many uses are left (-1 when it does not run out). */
    public record StandIn(FactorType type, String page, int left) {
        public StandIn {
            Objects.requireNonNull(type, "type");
        }
    }

    public SecondStepChoices {
        methods = List.copyOf(Objects.requireNonNull(methods, "methods"));
        standIns = List.copyOf(Objects.requireNonNull(standIns, "standIns"));
        codeless = List.copyOf(Objects.requireNonNull(codeless, "codeless"));
    }

    /** The method asked for first; null when the user has no method. */
    public FactorType primary() {
        return methods.isEmpty() ? null : methods.get(0);
    }

    /** Everything the user can answer with now: their methods, then the stand-ins. */
    public List<FactorType> all() {
        return Stream.concat(methods.stream(), standIns.stream().map(StandIn::type)).toList();
    }

    /**
     * Whether a user who cannot use their method has nothing else to try: no stand-in left and no other method. The
     * page then explains the way back (an account admin resets their two-step verification).
     */
    public boolean noWayLeft() {
        return standIns.isEmpty() && methods.size() <= 1;
    }
}

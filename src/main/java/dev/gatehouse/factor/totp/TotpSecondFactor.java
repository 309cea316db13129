package dev.gatehouse.factor.totp;

import java.time.Clock;
import java.util.UUID;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import dev.gatehouse.factor.CodeCheck;
import dev.gatehouse.factor.CodePurpose;
import dev.gatehouse.factor.FactorService;
import dev.gatehouse.factor.FactorType;
import dev.gatehouse.factor.MethodRules;
import dev.gatehouse.factor.MethodTraits;
import dev.gatehouse.factor.PendingEnrollment;
import dev.gatehouse.factor.PendingStep;
import dev.gatehouse.factor.SecondFactorMethod;

/** Authenticator apps as sign-in and the Security tab see them; the codes are checked by {@link TotpMethod}. */
@Component
@Order(10)
public class TotpSecondFactor implements SecondFactorMethod {

    private static final MethodTraits TRAITS = new MethodTraits(TotpMethod.DISPLAY_NAME, "otp", false,
            MethodTraits.Answer.TYPED_CODE, false, true, null, "settings/methods :: totp");

    private final FactorService factors;
    private final TotpMethod totp;
    private final Clock clock;

    TotpSecondFactor(FactorService factors, TotpMethod totp, Clock clock) {
        this.factors = factors;
        this.totp = totp;
        this.clock = clock;
    }

    @Override
    public FactorType type() {
        return TotpMethod.TYPE;
    }

    @Override
    public MethodTraits traits() {
        return TRAITS;
    }

    @Override
    public boolean activeFor(UUID userId) {
        return factors.factor(userId, TotpMethod.TYPE).isPresent();
    }

    @Override
    public Start startVerification(Attempt attempt, Send send) {
        return activeFor(attempt.user().id()) ? new Start.Ready(null, new Prompt.EnterCode(null))
                : new Start.Refused("factor.notActive");
    }

    @Override
    public Finish finishVerification(Attempt attempt, PendingStep pending, String answer) {
        CodeCheck check = factors.checkCode(attempt.user().id(), TotpMethod.TYPE, answer, attempt.client());
        return check instanceof CodeCheck.Accepted accepted ? Finish.Proved.verified(accepted.factor())
                : new Finish.Refused(check);
    }

    /** A new key, or the one of the setup already under way (so reloading the page keeps the QR code). */
    @Override
    public Start startEnrollment(Setup setup, PendingStep previous) {
        if (!factors.mayAdd(setup.user().id(), TotpMethod.TYPE)) {
            return new Start.Refused(MethodRules.NOT_ALLOWED);
        }
        if (previous != null && previous.state(PendingEnrollment.class).isPresent()
                && previous.usableFor(setup.user().id(), TotpMethod.TYPE, CodePurpose.SETUP, clock.instant())) {
            return ready(setup, previous);
        }
        return factors.startEnrollment(setup.user(), TotpMethod.TYPE)
                .<Start>map(pending -> ready(setup, new PendingStep(pending.userId(), TotpMethod.TYPE,
                        CodePurpose.SETUP, UUID.randomUUID(), pending.startedAt(),
                        pending.startedAt().plus(PendingEnrollment.VALIDITY), pending)))
                .orElseGet(() -> new Start.Refused("totp.setup.already"));
    }

    private Start ready(Setup setup, PendingStep pending) {
        return new Start.Ready(pending, new Prompt.EnterCode(
                totp.setup(setup.user(), pending.state(PendingEnrollment.class).orElseThrow())));
    }

    @Override
    public Finish finishEnrollment(Setup setup, PendingStep pending, String answer) {
        PendingEnrollment state = pending == null ? null : pending.state(PendingEnrollment.class).orElse(null);
        FactorService.Enrollment result = factors.finishEnrollment(setup.user(), state, answer, setup.client());
        if (result instanceof FactorService.Enrollment.Enabled enabled) {
            return new Finish.Proved(enabled.factor(), enabled.firstBackupCodes(), false);
        }
        if (result instanceof FactorService.Enrollment.Rejected rejected) {
            return new Finish.Problem(rejected.problemKey());
        }
        return new Finish.Expired();
    }
}

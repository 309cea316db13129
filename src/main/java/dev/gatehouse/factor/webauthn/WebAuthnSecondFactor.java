package dev.gatehouse.factor.webauthn;

import java.util.Optional;
import java.util.UUID;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import dev.gatehouse.factor.CodePurpose;
import dev.gatehouse.factor.FactorType;
import dev.gatehouse.factor.MethodRules;
import dev.gatehouse.factor.MethodTraits;
import dev.gatehouse.factor.PendingStep;
import dev.gatehouse.factor.SecondFactorMethod;

/**
 * Security keys and devices (WebAuthn, U2F keys included) as sign-in and the Security tab see them. The only
 * phishing-resistant method: what the device signs is bound to this site's origin. Ceremonies are run by
 * {@link WebAuthnService}; a ceremony waits in the session as the {@link PendingStep} of its start.
 */
@Component
@Order(40)
public class WebAuthnSecondFactor implements SecondFactorMethod {

    public static final FactorType TYPE = new FactorType("WEBAUTHN");

    /** The setup form's field with the name the user gave the key. */
    public static final String NAME = "name";

    static final String DISPLAY_NAME = "Security key or device";

    private static final MethodTraits TRAITS = new MethodTraits(DISPLAY_NAME, "hwk", true,
            MethodTraits.Answer.DEVICE, false, true, "/signin/webauthn", "settings/methods :: webauthn");

    private final WebAuthnService webAuthn;
    private final MethodRules rules;

    WebAuthnSecondFactor(WebAuthnService webAuthn, MethodRules rules) {
        this.webAuthn = webAuthn;
        this.rules = rules;
    }

    @Override
    public FactorType type() {
        return TYPE;
    }

    @Override
    public MethodTraits traits() {
        return TRAITS;
    }

    @Override
    public boolean activeFor(UUID userId) {
        return !webAuthn.credentials(userId).isEmpty();
    }

    /** A new ceremony each time: a challenge is answered once. */
    @Override
    public Start startVerification(Attempt attempt, Send send) {
        PendingCeremony.Purpose purpose = purpose(attempt.purpose());
        return webAuthn.startAssertion(attempt.user(), purpose)
                .<Start>map(ceremony -> ready(ceremony, attempt.purpose()))
                .orElseGet(() -> new Start.Refused("factor.notActive"));
    }

    @Override
    public Finish finishVerification(Attempt attempt, PendingStep pending, String answer) {
        PendingCeremony ceremony = pending == null ? null : pending.state(PendingCeremony.class).orElse(null);
        WebAuthnService.Assertion result = webAuthn.finishAssertion(attempt.user(), ceremony,
                purpose(attempt.purpose()), answer, attempt.client());
        if (result instanceof WebAuthnService.Assertion.Refused refused) {
            return problem(refused.problem());
        }
        return Finish.Proved.verified(null);
    }

    @Override
    public Start startEnrollment(Setup setup, PendingStep previous) {
        if (!rules.mayAdd(setup.user().id(), TYPE)) {
            return new Start.Refused(MethodRules.NOT_ALLOWED);
        }
        return webAuthn.startRegistration(setup.user())
                .<Start>map(ceremony -> ready(ceremony, CodePurpose.SETUP))
                .orElseGet(() -> new Start.Refused("webauthn.tooMany"));
    }

    @Override
    public Finish finishEnrollment(Setup setup, PendingStep pending, String answer) {
        Optional<String> nameProblem = CredentialName.problem(setup.field(NAME));
        if (nameProblem.isPresent()) {
            return new Finish.Problem(nameProblem.get());
        }
        PendingCeremony ceremony = pending == null ? null : pending.state(PendingCeremony.class).orElse(null);
        WebAuthnService.Registration result = webAuthn.finishRegistration(setup.user(), ceremony,
                new CredentialName(setup.field(NAME)), answer, setup.client());
        if (result instanceof WebAuthnService.Registration.Refused refused) {
            return problem(refused.problem());
        }
        return new Finish.Proved(null, ((WebAuthnService.Registration.Registered) result).firstBackupCodes(), false);
    }

    /** The problem a browser-side failure stands for (the script posts the error's name instead of an answer). */
    @Override
    public Finish unanswered(String error) {
        return problem(WebAuthnProblem.fromBrowserError(error));
    }

    private static Finish problem(WebAuthnProblem problem) {
        return new Finish.Problem(problem.messageKey(), problem == WebAuthnProblem.MALFORMED);
    }

    private static Start ready(PendingCeremony ceremony, CodePurpose purpose) {
        // The challenge is unique to the ceremony: it names the attempt.
        UUID attempt = UUID.nameUUIDFromBytes(ceremony.challenge().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return new Start.Ready(new PendingStep(ceremony.userId(), TYPE, purpose, attempt,
                ceremony.expiresAt().minusSeconds(1), ceremony.expiresAt(), ceremony),
                new Prompt.Ceremony(ceremony.browserJson()));
    }

    private static PendingCeremony.Purpose purpose(CodePurpose purpose) {
        return switch (purpose) {
            case SIGN_IN -> PendingCeremony.Purpose.SIGN_IN;
            case RECONFIRM -> PendingCeremony.Purpose.CONFIRM;
            case SETUP -> PendingCeremony.Purpose.REGISTER;
        };
    }
}

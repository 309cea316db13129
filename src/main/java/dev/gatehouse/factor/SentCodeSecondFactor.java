package dev.gatehouse.factor;

import java.time.Clock;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@link SecondFactorMethod} of a {@link SentCodeMethod} (email, text message): its codes are issued, sent and
 * checked by the sent-code core ({@link CodeChallenges}), bound to the attempt. A method of this kind is one small
 * subclass that says what it is ({@link #traits()}) around its {@link SentCodeMethod}.
 */
public abstract class SentCodeSecondFactor implements SecondFactorMethod {

    /** The setup form's field with the address or number typed, and the one with the country to read it in. */
    public static final String DESTINATION = "destination";
    public static final String REGION = "region";

    private final SentCodeMethod channel;
    private final CodeChallenges codes;
    private final FactorService factors;
    private final Clock clock;

    protected SentCodeSecondFactor(SentCodeMethod channel, CodeChallenges codes, FactorService factors, Clock clock) {
        this.channel = channel;
        this.codes = codes;
        this.factors = factors;
        this.clock = clock;
    }

    @Override
    public FactorType type() {
        return channel.type();
    }

    @Override
    public boolean available() {
        return channel.available();
    }

    @Override
    public boolean activeFor(UUID userId) {
        return factors.factor(userId, type()).isPresent();
    }

    @Override
    public Start startVerification(Attempt attempt, Send send) {
        UUID userId = attempt.user().id();
        Optional<EnrolledFactor> factor = factors.factor(userId, type());
        if (factor.isEmpty()) {
            return new Start.Refused("factor.notActive");
        }
        Optional<CodeChallenge> current = codes.current(userId, type(), attempt.purpose(), attempt.id());
        CodeSend sent = send == Send.AGAIN || send == Send.FIRST && current.isEmpty()
                ? codes.send(attempt.user(), type(), attempt.purpose(), attempt.id(), attempt.client()) : null;
        Optional<CodeChallenge> latest = sent == null ? current
                : codes.current(userId, type(), attempt.purpose(), attempt.id());
        return new Start.Ready(null, new Prompt.CodeSent(sent, latest.orElse(null),
                channel.masked(factor.get().publicData())));
    }

    @Override
    public Finish finishVerification(Attempt attempt, PendingStep pending, String answer) {
        CodeCheck check = codes.verify(attempt.user().id(), type(), attempt.purpose(), attempt.id(), answer,
                attempt.client());
        return check instanceof CodeCheck.Accepted accepted ? Finish.Proved.verified(accepted.factor())
                : new Finish.Refused(check);
    }

    /** Checks the typed destination and sends a code to it; the setup continues one for the same destination. */
    @Override
    public Start startEnrollment(Setup setup, PendingStep previous) {
        if (!factors.mayAdd(setup.user().id(), type())) {
            return new Start.Refused(MethodRules.NOT_ALLOWED);
        }
        CodeSetup before = previous == null ? null : previous.state(CodeSetup.class).orElse(null);
        CodeChallenges.SetupStart start = codes.startSetup(setup.user(), type(), setup.field(DESTINATION),
                setup.field(REGION), before, setup.client());
        if (start instanceof CodeChallenges.SetupStart.Problem problem) {
            return new Start.Refused(problem.problemKey());
        }
        CodeChallenges.SetupStart.Started started = (CodeChallenges.SetupStart.Started) start;
        CodeSetup state = started.setup();
        PendingStep pending = new PendingStep(state.userId(), type(), CodePurpose.SETUP, state.id(),
                state.startedAt(), state.startedAt().plus(PendingStep.SETUP_VALIDITY), state);
        return new Start.Ready(pending, new Prompt.CodeSent(started.send(),
                codes.current(state.userId(), type(), CodePurpose.SETUP, state.id()).orElse(null), state.shown()));
    }

    @Override
    public Finish finishEnrollment(Setup setup, PendingStep pending, String answer) {
        Optional<CodeSetup> state = pending == null ? Optional.empty() : pending.state(CodeSetup.class);
        if (state.isEmpty() || !pending.usableFor(setup.user().id(), type(), CodePurpose.SETUP, clock.instant())) {
            return new Finish.Expired();
        }
        CodeChallenges.SetupResult result = codes.finishSetup(setup.user(), state.get(), answer, setup.client());
        if (result instanceof CodeChallenges.SetupResult.Enabled enabled) {
            return new Finish.Proved(enabled.factor(), enabled.firstBackupCodes(), false);
        }
        if (result instanceof CodeChallenges.SetupResult.Changed changed) {
            return new Finish.Proved(changed.factor(), null, true);
        }
        if (result instanceof CodeChallenges.SetupResult.Refused refused) {
            return new Finish.Refused(refused.why());
        }
        return new Finish.Expired();
    }
}

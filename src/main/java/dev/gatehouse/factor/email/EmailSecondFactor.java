package dev.gatehouse.factor.email;

import java.time.Clock;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import dev.gatehouse.factor.CodeChallenges;
import dev.gatehouse.factor.FactorService;
import dev.gatehouse.factor.MethodTraits;
import dev.gatehouse.factor.SentCodeSecondFactor;

/** Email codes as sign-in and the Security tab see them; sent and checked by the sent-code core. */
@Component
@Order(20)
public class EmailSecondFactor extends SentCodeSecondFactor {

    private static final MethodTraits TRAITS = new MethodTraits(EmailCodeMethod.DISPLAY_NAME, "otp", false,
            MethodTraits.Answer.SENT_CODE, true, true, null, "settings/methods :: email");

    EmailSecondFactor(EmailCodeMethod channel, CodeChallenges codes, FactorService factors, Clock clock) {
        super(channel, codes, factors, clock);
    }

    @Override
    public boolean deliveredByEmail() {
        return true;
    }

    @Override
    public MethodTraits traits() {
        return TRAITS;
    }
}

package dev.gatehouse.web.settings.codes;

import java.util.Optional;
import java.util.UUID;

import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

import dev.gatehouse.factor.EnrolledFactor;
import dev.gatehouse.factor.FactorService;
import dev.gatehouse.factor.FactorType;
import dev.gatehouse.factor.email.EmailCodeMethod;
import dev.gatehouse.factor.sms.SmsCodeMethod;

/**
 * Where the codes of the email and text message methods go, as their owner reads it: on the Security tab and on the
 * pages that set them up or change the address or number.
 */
@Component
public class CodeDestinations {

    private final FactorService factors;
    private final SmsCodeMethod sms;

    CodeDestinations(FactorService factors, SmsCodeMethod sms) {
        this.factors = factors;
        this.sms = sms;
    }

    /** What the Security tab shows of a method with sent codes: the factor (null when off) and where codes go. */
    public record Card(EnrolledFactor factor, String sentTo, boolean available) {
    }

    Card card(UUID userId, FactorType type, boolean available) {
        Optional<EnrolledFactor> factor = factors.factor(userId, type);
        return new Card(factor.orElse(null), factor.map(f -> shown(type, f.publicData())).orElse(null), available);
    }

    boolean smsAvailable() {
        return sms.available();
    }

    /** A stored destination as pages show it to its owner (a number formatted, e.g. +44 7700 900123). */
    public String shown(FactorType type, String destination) {
        if (SmsCodeMethod.TYPE.equals(type) && sms.checkDestination(destination, null)
                instanceof dev.gatehouse.factor.DestinationCheck.Valid valid) {
            return valid.shown();
        }
        return destination;
    }
}

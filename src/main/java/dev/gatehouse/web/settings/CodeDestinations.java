package dev.gatehouse.web.settings;

import java.util.Optional;
import java.util.UUID;

import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

import dev.gatehouse.factor.EnrolledFactor;
import dev.gatehouse.factor.FactorService;
import dev.gatehouse.factor.FactorType;
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

    /**
     * What the Security tab shows of the two methods: {@code emailCodes} / {@code smsCodes} (the factor or null),
     * {@code emailCodesTo} / {@code smsCodesTo} (where codes go, as the owner reads it) and {@code smsAvailable}.
     */
    void addToSecurityTab(UUID userId, Model model) {
        Optional<EnrolledFactor> email = factors.factor(userId, FactorType.EMAIL);
        Optional<EnrolledFactor> text = factors.factor(userId, FactorType.SMS);
        model.addAttribute("emailCodes", email.orElse(null));
        model.addAttribute("emailCodesTo", email.map(f -> shown(FactorType.EMAIL, f.publicData())).orElse(null));
        model.addAttribute("smsCodes", text.orElse(null));
        model.addAttribute("smsCodesTo", text.map(f -> shown(FactorType.SMS, f.publicData())).orElse(null));
        model.addAttribute("smsAvailable", sms.available());
    }

    /** A stored destination as pages show it to its owner (a number formatted, e.g. +44 7700 900123). */
    public String shown(FactorType type, String destination) {
        if (type == FactorType.SMS && sms.checkDestination(destination, null)
                instanceof dev.gatehouse.factor.DestinationCheck.Valid valid) {
            return valid.shown();
        }
        return destination;
    }
}

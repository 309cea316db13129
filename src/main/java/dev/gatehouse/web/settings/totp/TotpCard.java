package dev.gatehouse.web.settings.totp;

import java.util.UUID;

import org.springframework.stereotype.Component;

import dev.gatehouse.factor.FactorService;
import dev.gatehouse.factor.FactorType;
import dev.gatehouse.factor.totp.TotpMethod;
import dev.gatehouse.web.settings.SecurityTabCard;

/** The Security tab's authenticator-app card: the app's factor, or null when it is off. */
@Component
class TotpCard implements SecurityTabCard {

    private final FactorService factors;

    TotpCard(FactorService factors) {
        this.factors = factors;
    }

    @Override
    public FactorType type() {
        return TotpMethod.TYPE;
    }

    @Override
    public Object view(UUID userId) {
        return factors.factor(userId, TotpMethod.TYPE).orElse(null);
    }
}

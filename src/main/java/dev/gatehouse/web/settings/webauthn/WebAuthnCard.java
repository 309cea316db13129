package dev.gatehouse.web.settings.webauthn;

import java.util.UUID;

import org.springframework.stereotype.Component;

import dev.gatehouse.factor.FactorType;
import dev.gatehouse.factor.webauthn.WebAuthnSecondFactor;
import dev.gatehouse.factor.webauthn.WebAuthnService;
import dev.gatehouse.web.settings.SecurityTabCard;

/** The Security tab's "Security keys and devices" card: the user's credentials. */
@Component
class WebAuthnCard implements SecurityTabCard {

    private final WebAuthnService webAuthn;

    WebAuthnCard(WebAuthnService webAuthn) {
        this.webAuthn = webAuthn;
    }

    @Override
    public FactorType type() {
        return WebAuthnSecondFactor.TYPE;
    }

    @Override
    public Object view(UUID userId) {
        return webAuthn.credentials(userId);
    }
}

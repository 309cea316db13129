package dev.gatehouse.web.settings.webauthn;

import jakarta.servlet.http.HttpSession;

import dev.gatehouse.factor.CodePurpose;
import dev.gatehouse.factor.PendingStep;
import dev.gatehouse.factor.webauthn.WebAuthnSecondFactor;

/** The key registration waiting in the session: one at a time, taken out by the first answer. */
final class PendingCeremonies {

    private static final String ATTRIBUTE = PendingStep.attribute(WebAuthnSecondFactor.TYPE, CodePurpose.SETUP);

    private PendingCeremonies() {
    }

    static void keep(HttpSession session, PendingStep pending) {
        session.setAttribute(ATTRIBUTE, pending);
    }

    /** The registration kept in the session, taken out of it: whatever happens next, it is used. */
    static PendingStep take(HttpSession session) {
        Object pending = session.getAttribute(ATTRIBUTE);
        session.removeAttribute(ATTRIBUTE);
        return pending instanceof PendingStep p ? p : null;
    }
}

package dev.gatehouse.web.settings.webauthn;

import jakarta.servlet.http.HttpSession;

import dev.gatehouse.factor.webauthn.PendingCeremony;

/** The Web Authentication ceremonies waiting in the session: registration (sign-in and re-confirmation keep theirs as a PendingStep). */
final class PendingCeremonies {

    private PendingCeremonies() {
    }

    /** The ceremony of this purpose kept in the session, taken out of it: whatever happens next, it is used. */
    static PendingCeremony take(HttpSession session, PendingCeremony.Purpose purpose) {
        String attribute = PendingCeremony.attribute(purpose);
        Object pending = session.getAttribute(attribute);
        session.removeAttribute(attribute);
        return pending instanceof PendingCeremony p ? p : null;
    }
}

package com.example.relying;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The application's three pages: home, who you are (the ID token's claims), and a page that needs a step-up. */
@Controller
class PagesController {

    /**
     * The ID token a step-up was asked for: coming back with a new token that still falls short means Gatehouse could
     * not reach the level (the user has no second factor), and asking again would loop.
     */
    static final String STEP_UP_ASKED = PagesController.class.getName() + ".stepUpAskedFor";

    private final RequestCache requests = new HttpSessionRequestCache();
    private final Clock clock = Clock.systemUTC();

    @GetMapping("/")
    String home(@AuthenticationPrincipal OidcUser user, Model model) {
        model.addAttribute("user", user);
        return "home";
    }

    @GetMapping("/claims")
    String claims(@AuthenticationPrincipal OidcUser user, Model model) {
        model.addAttribute("user", user);
        model.addAttribute("claims", Claims.of(user.getIdToken()));
        return "claims";
    }

    /**
     * Shown only to a sign-in whose ID token says a second factor was proved just now ({@link StepUp}). Any other is
     * sent through Gatehouse again with {@code acr_values}, and comes back here; one that still falls short (a user
     * with no second factor to prove) is told so instead of being sent round again.
     */
    @GetMapping("/step-up")
    String stepUp(@AuthenticationPrincipal OidcUser user, HttpServletRequest request, HttpServletResponse response,
                  HttpSession session, Model model) {
        model.addAttribute("user", user);
        model.addAttribute("claims", Claims.of(user.getIdToken()));
        if (StepUp.satisfiedBy(user.getIdToken(), clock.instant())) {
            session.removeAttribute(STEP_UP_ASKED);
            return "step-up";
        }
        Object askedFor = session.getAttribute(STEP_UP_ASKED);
        if (askedFor != null && !askedFor.equals(user.getIdToken().getTokenValue())) {
            session.removeAttribute(STEP_UP_ASKED);
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
            return "step-up-refused";
        }
        session.setAttribute(STEP_UP_ASKED, user.getIdToken().getTokenValue());
        requests.saveRequest(request, response); // where the sign-in returns to
        return "redirect:/oauth2/authorization/" + GatehouseRegistration.ID + "?" + StepUpRequests.PARAMETER;
    }

    /** What the pages show of an ID token. */
    record Claims(String subject, String email, List<String> amr, String acr, Instant authTime, Instant issuedAt) {

        static Claims of(OidcIdToken token) {
            List<String> amr = token.getClaimAsStringList("amr");
            return new Claims(token.getSubject(), token.getEmail(), amr == null ? List.of() : amr,
                    token.getClaimAsString("acr"), token.getAuthenticatedAt(), token.getIssuedAt());
        }
    }
}

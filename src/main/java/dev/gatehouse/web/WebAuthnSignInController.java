package dev.gatehouse.web;

import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

import dev.gatehouse.factor.webauthn.PendingCeremony;
import dev.gatehouse.factor.webauthn.PendingCeremony.Purpose;
import dev.gatehouse.factor.webauthn.WebAuthnProblem;
import dev.gatehouse.signin.PendingSignIn;
import dev.gatehouse.signin.SecondStepChoices;
import dev.gatehouse.signin.SignInService;
import dev.gatehouse.signin.SignedInUser;
import dev.gatehouse.signin.WebAuthnSignIn;

/**
 * The second sign-in step with a security key or device ({@code /signin/webauthn}), and re-confirmation with one
 * ({@code /settings/confirm/webauthn}). Like the code step, the sign-in page only does anything for a session holding
 * a pending sign-in. The ceremony waits in the session and is taken out by the first answer; a failure shows the page
 * again with a new one.
 */
@Controller
class WebAuthnSignInController {

    private final ReturnPageCache returnPage;

    static final String SIGN_IN = "/signin/webauthn";
    static final String CONFIRM = "/settings/confirm/webauthn";

    private final WebAuthnSignIn webAuthn;
    private final SignInService signIn;
    private final Messages messages;

    WebAuthnSignInController(WebAuthnSignIn webAuthn, SignInService signIn, Messages messages, ReturnPageCache returnPage) {
        this.returnPage = returnPage;
        this.webAuthn = webAuthn;
        this.signIn = signIn;
        this.messages = messages;
    }

    @GetMapping(SIGN_IN)
    String form(HttpServletRequest request, Model model) {
        Optional<PendingSignIn> pending = signIn.pending(request);
        if (pending.isEmpty()) {
            return "redirect:/signin?expired";
        }
        return show(pending.get(), request, model);
    }

    @PostMapping(SIGN_IN)
    String submit(@RequestParam(defaultValue = "") String credential, @RequestParam(defaultValue = "") String error,
                  @RequestParam(defaultValue = "false") boolean remember, HttpServletRequest request,
                  HttpServletResponse response, Model model) {
        PendingCeremony ceremony = WebAuthnSettingsController.take(request.getSession(), Purpose.SIGN_IN);
        Optional<PendingSignIn> pending = signIn.pending(request);
        if (pending.isEmpty()) {
            return "redirect:/signin?expired";
        }
        WebAuthnProblem problem;
        if (credential.isEmpty()) {
            problem = error.isEmpty() ? null : WebAuthnProblem.fromBrowserError(error);
        } else {
            WebAuthnSignIn.Step step = webAuthn.finish(ceremony, credential, remember, request, response);
            if (step instanceof WebAuthnSignIn.Step.SignedIn) {
                return "redirect:" + returnPage.continueTo(request, response);
            }
            if (step instanceof WebAuthnSignIn.Step.NoPendingSignIn) {
                return "redirect:/signin?expired";
            }
            problem = ((WebAuthnSignIn.Step.Refused) step).problem();
        }
        model.addAttribute("error", messages.get(problem == null ? "webauthn.noScript" : problem.messageKey()));
        response.setStatus(problem == null ? 422 : problem == WebAuthnProblem.MALFORMED ? 400 : 401);
        return show(pending.get(), request, model);
    }

    private String show(PendingSignIn pending, HttpServletRequest request, Model model) {
        Optional<PendingCeremony> ceremony = webAuthn.start(request);
        if (ceremony.isEmpty()) {
            // No key (any more): the other ways are the way on.
            return "redirect:/signin/choose";
        }
        request.getSession().setAttribute(PendingCeremony.attribute(Purpose.SIGN_IN), ceremony.get());
        SecondStepChoices choices = signIn.choices(pending);
        model.addAttribute("options", ceremony.get().browserJson());
        model.addAttribute("action", SIGN_IN);
        model.addAttribute("rememberPeriod", choices.rememberPeriod());
        return "signin/webauthn";
    }

    // --- re-confirmation ----------------------------------------------------------------------------------------

    /**
     * For the "Confirm it's you" page: when the user has a security key, starts a ceremony and puts it into the model
     * ({@code webauthnOptions}), so the page offers the key. Returns whether it did.
     */
    boolean offerReconfirm(SignedInUser me, HttpServletRequest request, Model model) {
        Optional<PendingCeremony> ceremony = webAuthn.startReconfirm(me);
        ceremony.ifPresent(c -> {
            request.getSession().setAttribute(PendingCeremony.attribute(Purpose.CONFIRM), c);
            model.addAttribute("webauthnOptions", c.browserJson());
            model.addAttribute("codeAlternative", webAuthn.codeAlternative(me));
        });
        return ceremony.isPresent();
    }

    @PostMapping(CONFIRM)
    String reconfirm(@AuthenticationPrincipal SignedInUser me, @RequestParam(defaultValue = "") String password,
                     @RequestParam(defaultValue = "") String credential, @RequestParam(defaultValue = "") String error,
                     @RequestParam(defaultValue = "") String next, HttpServletRequest request,
                     HttpServletResponse response, Model model) {
        PendingCeremony ceremony = WebAuthnSettingsController.take(request.getSession(), Purpose.CONFIRM);
        String problemKey;
        if (credential.isEmpty()) {
            problemKey = error.isEmpty() ? "webauthn.noScript" : WebAuthnProblem.fromBrowserError(error).messageKey();
            response.setStatus(422);
        } else {
            WebAuthnSignIn.Reconfirm step = webAuthn.reconfirm(me, password, ceremony, credential, request, response);
            if (step instanceof WebAuthnSignIn.Reconfirm.Confirmed) {
                return "redirect:" + ReconfirmLinks.safeNext(next);
            }
            if (step instanceof WebAuthnSignIn.Reconfirm.WrongPassword) {
                problemKey = "password.wrongCurrent";
                response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            } else if (step instanceof WebAuthnSignIn.Reconfirm.PasswordPaused paused) {
                problemKey = null;
                model.addAttribute("error", messages.until("password.paused", paused.until()));
                response.setStatus(429);
            } else {
                WebAuthnProblem problem = ((WebAuthnSignIn.Reconfirm.Refused) step).problem();
                problemKey = problem.messageKey();
                response.setStatus(problem == WebAuthnProblem.MALFORMED ? 400 : 401);
            }
        }
        model.addAttribute("next", ReconfirmLinks.safeNext(next));
        model.addAttribute("codeNeeded", true);
        if (problemKey != null) {
            model.addAttribute("error", messages.get(problemKey));
        }
        if (!offerReconfirm(me, request, model)) {
            return "redirect:/settings/confirm?next=" + ReconfirmLinks.safeNext(next);
        }
        return "settings/confirm";
    }
}

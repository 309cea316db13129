package dev.gatehouse.web.signin;

import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

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
import dev.gatehouse.signin.WebAuthnSignIn;
import dev.gatehouse.web.Messages;
import dev.gatehouse.web.PendingCeremonies;
import dev.gatehouse.web.ReturnPageCache;

/**
 * The second sign-in step with a security key or device ({@code /signin/webauthn}); re-confirmation with one is
 * {@code ReconfirmController}'s. Like the code step, the sign-in page only does anything for a session holding a
 * pending sign-in. The ceremony waits in the session and is taken out by the first answer; a failure shows the page
 * again with a new one.
 */
@Controller
class WebAuthnSignInController {

    private final ReturnPageCache returnPage;

    static final String SIGN_IN = "/signin/webauthn";

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
        PendingCeremony ceremony = PendingCeremonies.take(request.getSession(), Purpose.SIGN_IN);
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
}

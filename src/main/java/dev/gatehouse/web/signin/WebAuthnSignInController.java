package dev.gatehouse.web.signin;

import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

import dev.gatehouse.factor.CodePurpose;
import dev.gatehouse.factor.SecondFactorMethod;
import dev.gatehouse.signin.BrowserSession;
import dev.gatehouse.signin.PendingSignIn;
import dev.gatehouse.signin.SecondFactorStep;
import dev.gatehouse.signin.SignInService;
import dev.gatehouse.web.Messages;
import dev.gatehouse.web.ReturnPageCache;

/**
 * The second sign-in step with a method the browser answers with a device ({@code /signin/webauthn}: security keys
 * and built-in authenticators); re-confirmation with one is {@code ReconfirmController}'s. Like the code step, the page
 * only does anything for a session holding a pending sign-in. The ceremony its method starts waits in the session and
 * is taken out by the first answer; a failure shows the page again with a new one.
 */
@Controller
class WebAuthnSignInController {

    static final String SIGN_IN = "/signin/webauthn";

    private final ReturnPageCache returnPage;
    private final SignInService signIn;
    private final Messages messages;

    WebAuthnSignInController(SignInService signIn, Messages messages, ReturnPageCache returnPage) {
        this.returnPage = returnPage;
        this.signIn = signIn;
        this.messages = messages;
    }

    @GetMapping(SIGN_IN)
    String form(BrowserSession browser, Model model) {
        Optional<PendingSignIn> pending = signIn.pending(browser);
        if (pending.isEmpty()) {
            return "redirect:/signin?expired";
        }
        return show(pending.get(), browser, model);
    }

    @PostMapping(SIGN_IN)
    String submit(@RequestParam(defaultValue = "") String credential, @RequestParam(defaultValue = "") String error,
                  @RequestParam(defaultValue = "false") boolean remember, BrowserSession browser, HttpServletRequest request,
                  HttpServletResponse response, Model model) {
        Optional<PendingSignIn> pending = signIn.pending(browser);
        if (pending.isEmpty()) {
            return "redirect:/signin?expired";
        }
        Optional<SecondFactorMethod> method = signIn.secondStepMethodAt(pending.get(), SIGN_IN);
        if (method.isEmpty()) {
            return "redirect:/signin/choose";
        }
        SecondFactorStep step;
        if (credential.isEmpty()) {
            step = signIn.unanswered(method.get(), CodePurpose.SIGN_IN, error, browser);
        } else {
            step = signIn.secondFactor(method.get(), credential, remember, browser);
            if (step instanceof SecondFactorStep.SignedIn) {
                return "redirect:" + returnPage.continueTo(request, response);
            }
            if (step instanceof SecondFactorStep.NoPendingSignIn) {
                return "redirect:/signin?expired";
            }
        }
        if (credential.isEmpty() && error.isEmpty()) {
            model.addAttribute("error", messages.get("webauthn.noScript"));
            response.setStatus(422);
        } else if (step instanceof SecondFactorStep.Problem problem) {
            model.addAttribute("error", messages.get(problem.messageKey()));
            response.setStatus(problem.malformed() ? 400 : 401);
        } else {
            model.addAttribute("error", messages.get("step.expired"));
            response.setStatus(401);
        }
        return show(pending.get(), browser, model);
    }

    private String show(PendingSignIn pending, BrowserSession browser, Model model) {
        Optional<SecondFactorMethod.Prompt.Ceremony> ceremony = signIn.secondStepMethodAt(pending, SIGN_IN)
                .flatMap(method -> signIn.startSecondStep(method, SecondFactorMethod.Send.FIRST, browser))
                .flatMap(start -> start.prompt(SecondFactorMethod.Prompt.Ceremony.class));
        if (ceremony.isEmpty()) {
            // No key (any more): the other ways are the way on.
            return "redirect:/signin/choose";
        }
        model.addAttribute("options", ceremony.get().browserJson());
        model.addAttribute("action", SIGN_IN);
        model.addAttribute("rememberPeriod", signIn.rememberPeriod(pending));
        model.addAttribute("forReset", pending.emailLink());
        return "signin/webauthn";
    }
}

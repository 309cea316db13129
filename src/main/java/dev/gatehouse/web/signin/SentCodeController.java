package dev.gatehouse.web.signin;

import java.util.Optional;


import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriComponentsBuilder;

import dev.gatehouse.factor.MethodTraits;
import dev.gatehouse.factor.SecondFactorMethod;
import dev.gatehouse.signin.BrowserSession;
import dev.gatehouse.signin.PendingSignIn;
import dev.gatehouse.signin.SignInService;
import dev.gatehouse.signin.SignedInUser;
import dev.gatehouse.web.Messages;
import dev.gatehouse.web.ReconfirmLinks;

/**
 * "Send a new code" on the second sign-in step and on "Confirm it's you", for methods whose codes Gatehouse sends.
 * The cooldown and the limits are counted on the server; past them nothing is sent and the page says when.
 */
@Controller
class SentCodeController {

    private final SignInService signIn;
    private final SentCodeWords words;
    private final Messages messages;

    SentCodeController(SignInService signIn, SentCodeWords words, Messages messages) {
        this.signIn = signIn;
        this.words = words;
        this.messages = messages;
    }

    @PostMapping("/signin/verify/resend")
    String resendForSignIn(@RequestParam(defaultValue = "") String method, BrowserSession browser,
                           RedirectAttributes redirect) {
        Optional<PendingSignIn> pending = signIn.pending(browser);
        if (pending.isEmpty()) {
            return "redirect:/signin?expired";
        }
        Optional<SecondFactorMethod> chosen = signIn.secondStepMethod(pending.get(), method)
                .filter(m -> !method.isEmpty() && sendsCodes(m));
        if (chosen.isEmpty()) {
            return "redirect:/signin/choose";
        }
        signIn.startSecondStep(chosen.get(), SecondFactorMethod.Send.AGAIN, browser)
                .ifPresent(start -> flash(start, chosen.get(), redirect));
        return "redirect:/signin/verify?method=" + chosen.get().type().name();
    }

    @PostMapping("/settings/confirm/resend")
    String resendForReconfirm(@AuthenticationPrincipal SignedInUser me, @RequestParam(defaultValue = "") String next,
                              BrowserSession browser, RedirectAttributes redirect) {
        Optional<SecondFactorMethod> chosen = signIn.reconfirmMethod(me, "", false, browser)
                .filter(SentCodeController::sendsCodes);
        chosen.flatMap(m -> signIn.startReconfirm(me, m, SecondFactorMethod.Send.AGAIN, browser))
                .ifPresent(start -> flash(start, chosen.get(), redirect));
        return "redirect:" + UriComponentsBuilder.fromPath("/settings/confirm")
                .queryParam("next", ReconfirmLinks.safeNext(next)).build().toUriString();
    }

    private static boolean sendsCodes(SecondFactorMethod method) {
        return method.traits().answer() == MethodTraits.Answer.SENT_CODE;
    }

    private void flash(SecondFactorMethod.Start start, SecondFactorMethod method, RedirectAttributes redirect) {
        Optional<SecondFactorMethod.Prompt.CodeSent> sent = start.prompt(SecondFactorMethod.Prompt.CodeSent.class)
                .filter(s -> s.send() != null);
        if (sent.isEmpty()) {
            return;
        }
        Optional<String> problem = words.problem(sent.get().send());
        if (problem.isPresent()) {
            redirect.addFlashAttribute("flashWarning", problem.get());
        } else {
            redirect.addFlashAttribute("flashSuccess", messages.get("codes.resent." + method.type().name()));
        }
    }
}

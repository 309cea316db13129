package dev.gatehouse.web;

import static dev.gatehouse.web.ReconfirmLinks.safeNext;

import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

import dev.gatehouse.factor.FactorType;
import dev.gatehouse.signin.SentCodeSignIn;
import dev.gatehouse.signin.SignInService;
import dev.gatehouse.signin.SignInService.Reconfirm;
import dev.gatehouse.signin.SignInService.ReconfirmStep;
import dev.gatehouse.signin.SignedInUser;

/** "Confirm it's you" before a security change: the password, and a current code when one is due. */
@Controller
class ReconfirmController {

    private final SignInService signIn;
    private final CodeWords codeWords;
    private final Messages messages;
    private final WebAuthnSignInController securityKey;
    private final SentCodeSignIn sentCodes;
    private final SentCodeWords sentCodeWords;
    private final dev.gatehouse.factor.SignInMethods methods;

    ReconfirmController(SignInService signIn, CodeWords codeWords, Messages messages,
                        WebAuthnSignInController securityKey, SentCodeSignIn sentCodes, SentCodeWords sentCodeWords,
                        dev.gatehouse.factor.SignInMethods methods) {
        this.sentCodes = sentCodes;
        this.sentCodeWords = sentCodeWords;
        this.methods = methods;
        this.signIn = signIn;
        this.codeWords = codeWords;
        this.messages = messages;
        this.securityKey = securityKey;
    }

    @GetMapping("/settings/confirm")
    String form(@AuthenticationPrincipal SignedInUser me, @RequestParam(defaultValue = "") String next,
                @RequestParam(defaultValue = "") String with, @RequestParam(defaultValue = "") String method,
                HttpServletRequest request, HttpServletResponse response, Model model) {
        Reconfirm needed = signIn.reconfirmationNeeded(me, request);
        if (needed == Reconfirm.NOTHING) {
            return "redirect:" + safeNext(next);
        }
        model.addAttribute("next", safeNext(next));
        model.addAttribute("codeNeeded", needed == Reconfirm.PASSWORD_AND_CODE);
        // A user with a security key is offered it first; "Use a code instead" (with=code) shows the code form.
        if (needed == Reconfirm.PASSWORD_AND_CODE && !"code".equals(with)
                && securityKey.offerReconfirm(me, request, model)) {
            return "settings/confirm";
        }
        if (needed == Reconfirm.PASSWORD_AND_CODE) {
            Optional<dev.gatehouse.signin.SecondFactorStep> blocked = signIn.codeEntryBlocked(me.userId());
            blocked.ifPresent(step -> codeWords.describe(step, model, response));
            codeMethod(me, method, blocked.isEmpty(), request, model);
        }
        return "settings/confirm";
    }

    /**
     * The code method this re-confirmation asks for (the primary unless another is chosen), and for email and SMS its
     * code: sent when the page is first shown, with where it went and until when.
     */
    private void codeMethod(SignedInUser me, String named, boolean send, HttpServletRequest request, Model model) {
        Optional<FactorType> type = sentCodes.reconfirmMethod(me, named, request);
        if (type.isEmpty()) {
            return;
        }
        model.addAttribute("codeMethod", type.get().name());
        model.addAttribute("otherCodeMethods", methods.ordered(me.userId()).stream()
                .filter(t -> t.usesCodes() && t != type.get()).map(Enum::name).toList());
        if (sentCodes.sendsCodes(type.get())) {
            if (send) {
                sentCodes.sendForReconfirmIfNone(me, request).flatMap(sentCodeWords::problem)
                        .ifPresent(problem -> model.addAttribute("sendProblem", problem));
            }
            sentCodeWords.describe(sentCodes.reconfirmChallenge(me, request),
                    sentCodes.maskedDestination(me.userId(), type.get()), model);
        }
    }

    @PostMapping("/settings/confirm")
    String confirm(@AuthenticationPrincipal SignedInUser me, @RequestParam(defaultValue = "") String password,
                   @RequestParam(defaultValue = "") String code, @RequestParam(defaultValue = "") String next,
                   HttpServletRequest request, HttpServletResponse response, Model model) {
        boolean codeNeeded = signIn.reconfirmationNeeded(me, request) == Reconfirm.PASSWORD_AND_CODE;
        ReconfirmStep step = signIn.reconfirm(me, password, code, request, response);
        if (step instanceof ReconfirmStep.Confirmed) {
            return "redirect:" + safeNext(next);
        }
        model.addAttribute("next", safeNext(next));
        model.addAttribute("codeNeeded", codeNeeded);
        if (step instanceof ReconfirmStep.WrongPassword) {
            model.addAttribute("error", messages.get("password.wrongCurrent"));
            response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        } else if (step instanceof ReconfirmStep.PasswordPaused paused) {
            model.addAttribute("error", messages.until("password.paused", paused.until()));
            response.setStatus(429);
        } else if (step instanceof ReconfirmStep.CodeProblem problem) {
            boolean sent = sentCodes.reconfirmMethod(me, "", request).filter(sentCodes::sendsCodes).isPresent();
            codeWords.describe(problem.step(), model, response, sent ? "codes.wrong" : "code.wrong");
        }
        if (codeNeeded) {
            codeMethod(me, "", false, request, model);
            if (step instanceof ReconfirmStep.CodeProblem problem
                    && problem.step() instanceof dev.gatehouse.signin.SecondFactorStep.WrongCode
                    && Boolean.TRUE.equals(model.getAttribute("expired"))) {
                model.addAttribute("error", messages.get("codes.expired"));
            }
        }
        return "settings/confirm";
    }
}

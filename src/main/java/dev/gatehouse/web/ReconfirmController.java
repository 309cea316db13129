package dev.gatehouse.web;

import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

import dev.gatehouse.signin.SignInService;
import dev.gatehouse.signin.SignInService.Reconfirm;
import dev.gatehouse.signin.SignInService.ReconfirmStep;
import dev.gatehouse.signin.SignedInUser;

/** "Confirm it's you" before a security change: the password, and a current code when one is due. */
@Controller
class ReconfirmController {

    /** Where a re-confirmation may lead: our own settings pages only, so {@code next} is no open redirect. */
    private static final Pattern NEXT = Pattern.compile("/settings/[a-z0-9/-]{1,80}");

    private final SignInService signIn;
    private final SecondFactorController codeWords;
    private final Messages messages;

    ReconfirmController(SignInService signIn, SecondFactorController codeWords, Messages messages) {
        this.signIn = signIn;
        this.codeWords = codeWords;
        this.messages = messages;
    }

    /** Empty when the session may go ahead with a security change; otherwise where to send it first. */
    Optional<String> required(SignedInUser me, HttpServletRequest request, String next) {
        if (signIn.reconfirmationNeeded(me, request) == Reconfirm.NOTHING) {
            return Optional.empty();
        }
        return Optional.of("redirect:/settings/confirm?next=" + safeNext(next));
    }

    @GetMapping("/settings/confirm")
    String form(@AuthenticationPrincipal SignedInUser me, @RequestParam(defaultValue = "") String next,
                HttpServletRequest request, HttpServletResponse response, Model model) {
        Reconfirm needed = signIn.reconfirmationNeeded(me, request);
        if (needed == Reconfirm.NOTHING) {
            return "redirect:" + safeNext(next);
        }
        model.addAttribute("next", safeNext(next));
        model.addAttribute("codeNeeded", needed == Reconfirm.PASSWORD_AND_CODE);
        if (needed == Reconfirm.PASSWORD_AND_CODE) {
            signIn.codeEntryBlocked(me.userId()).ifPresent(step -> codeWords.describe(step, model, response));
        }
        return "settings/confirm";
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
        } else if (step instanceof ReconfirmStep.CodeProblem problem) {
            codeWords.describe(problem.step(), model, response);
        }
        return "settings/confirm";
    }

    static String safeNext(String next) {
        return next != null && NEXT.matcher(next).matches() && !next.contains("//") ? next : "/settings/security";
    }
}

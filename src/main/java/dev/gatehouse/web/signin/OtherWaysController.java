package dev.gatehouse.web.signin;

import java.util.Optional;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.gatehouse.factor.SecondFactorMethod;
import dev.gatehouse.signin.BrowserSession;
import dev.gatehouse.signin.PendingSignIn;
import dev.gatehouse.signin.SecondFactorStep;
import dev.gatehouse.signin.SecondStepChoices;
import dev.gatehouse.signin.SignInService;
import dev.gatehouse.web.Messages;
import dev.gatehouse.web.ReturnPageCache;

/**
 * "Try another way" at the second sign-in step: the user's other methods, a backup code, and — when none is left —
 * how to get back in. Like the code step, it only does anything for a session holding a pending sign-in.
 */
@Controller
class OtherWaysController {

    /** The page of the stand-in method (backup codes); its method says what it is. */
    static final String STAND_IN = "/signin/backup-code";

    private final ReturnPageCache returnPage;
    private final SignInService signIn;
    private final CodeWords codeWords;
    private final Messages messages;

    OtherWaysController(SignInService signIn, CodeWords codeWords, Messages messages, ReturnPageCache returnPage) {
        this.returnPage = returnPage;
        this.signIn = signIn;
        this.codeWords = codeWords;
        this.messages = messages;
    }

    @GetMapping("/signin/choose")
    String choose(BrowserSession browser, Model model) {
        Optional<PendingSignIn> pending = signIn.pending(browser);
        if (pending.isEmpty()) {
            return "redirect:/signin?expired";
        }
        SecondStepChoices choices = signIn.choices(pending.get());
        model.addAttribute("methods", choices.methods());
        model.addAttribute("standIns", choices.standIns());
        model.addAttribute("noWayLeft", choices.noWayLeft());
        model.addAttribute("forReset", pending.get().emailLink()); // the way to a new password, not a sign-in
        // While code entry is paused, every way that takes a code is, backup codes too: said here, so that the list
        // does not offer ways that each lead to the same pause (a first-time walk-through went round in a circle).
        // What still works is named only when the user has it (a new user without a security key was told "A security
        // key is not paused").
        signIn.codeEntryBlocked(pending.get().userId()).ifPresent(step -> model.addAttribute("paused",
                (step instanceof dev.gatehouse.signin.SecondFactorStep.Locked locked
                        ? messages.until("tz.signin.choose.paused", locked.until())
                        : messages.get("code.suspended"))
                        + choices.codeless().stream().map(type -> " " + messages.get("signin.choose.notPaused",
                                messages.get("factor." + type.name()))).collect(Collectors.joining())));
        if (choices.noWayLeft()) {
            signIn.noWayLeftShown(pending.get(), browser);
        }
        return "signin/choose";
    }

    @GetMapping(STAND_IN)
    String standInForm(BrowserSession browser, HttpServletResponse response, Model model) {
        Optional<PendingSignIn> pending = signIn.pending(browser);
        if (pending.isEmpty()) {
            return "redirect:/signin?expired";
        }
        if (signIn.secondStepMethodAt(pending.get(), STAND_IN).isEmpty()) {
            return "redirect:/signin/choose";
        }
        secondStepPage(pending.get(), model);
        signIn.codeEntryBlocked(pending.get().userId()).ifPresent(step -> codeWords.describe(step, model, response));
        return "signin/backup-code";
    }

    @PostMapping(STAND_IN)
    String standIn(@RequestParam(defaultValue = "") String code,
                   @RequestParam(defaultValue = "false") boolean remember, BrowserSession browser, HttpServletRequest request,
                   HttpServletResponse response, Model model, RedirectAttributes redirect) {
        Optional<PendingSignIn> pending = signIn.pending(browser);
        if (pending.isEmpty()) {
            return "redirect:/signin?expired";
        }
        Optional<SecondFactorMethod> method = signIn.secondStepMethodAt(pending.get(), STAND_IN);
        if (method.isEmpty()) {
            // None left (or never any): counted nowhere, like a wrong code of a method the user does not have.
            secondStepPage(pending.get(), model);
            codeWords.describe(new SecondFactorStep.WrongCode(0), model, response, "code.wrong.BACKUP_CODE");
            return "signin/backup-code";
        }
        String type = method.get().type().name();
        SecondFactorStep step = signIn.secondFactor(method.get(), code, remember, browser);
        if (step instanceof SecondFactorStep.SignedIn signedIn) {
            int left = method.get().remaining(signedIn.user().userId()).orElse(0);
            redirect.addFlashAttribute(left <= 3 ? "flashWarning" : "flashSuccess",
                    messages.get("signin.accepted." + type, left));
            return "redirect:" + returnPage.continueTo(request, response);
        }
        if (step instanceof SecondFactorStep.NoPendingSignIn) {
            return "redirect:/signin?expired";
        }
        secondStepPage(pending.get(), model);
        codeWords.describe(step, model, response, "code.wrong." + type);
        return "signin/backup-code";
    }

    /** What every second-step page shows: "Remember this device" where allowed, and whether this is a reset's step. */
    private void secondStepPage(PendingSignIn pending, Model model) {
        model.addAttribute("rememberPeriod", signIn.rememberPeriod(pending));
        model.addAttribute("forReset", pending.emailLink());
    }
}

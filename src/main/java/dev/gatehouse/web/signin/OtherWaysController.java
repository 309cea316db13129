package dev.gatehouse.web.signin;

import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.gatehouse.factor.BackupCodeService;
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

    private final ReturnPageCache returnPage;

    private final SignInService signIn;
    private final BackupCodeService backupCodes;
    private final CodeWords codeWords;
    private final Messages messages;

    OtherWaysController(SignInService signIn, BackupCodeService backupCodes, CodeWords codeWords,
                        Messages messages, ReturnPageCache returnPage) {
        this.returnPage = returnPage;
        this.signIn = signIn;
        this.backupCodes = backupCodes;
        this.codeWords = codeWords;
        this.messages = messages;
    }

    @GetMapping("/signin/choose")
    String choose(HttpServletRequest request, Model model) {
        Optional<PendingSignIn> pending = signIn.pending(request);
        if (pending.isEmpty()) {
            return "redirect:/signin?expired";
        }
        SecondStepChoices choices = signIn.choices(pending.get());
        model.addAttribute("methods", choices.methods());
        model.addAttribute("backupCodesLeft", choices.backupCodesLeft());
        model.addAttribute("noWayLeft", choices.noWayLeft());
        if (choices.noWayLeft()) {
            signIn.noWayLeftShown(pending.get(), request);
        }
        return "signin/choose";
    }

    @GetMapping("/signin/backup-code")
    String backupCodeForm(HttpServletRequest request, HttpServletResponse response, Model model) {
        Optional<PendingSignIn> pending = signIn.pending(request);
        if (pending.isEmpty()) {
            return "redirect:/signin?expired";
        }
        SecondStepChoices choices = signIn.choices(pending.get());
        if (choices.backupCodesLeft() == 0) {
            return "redirect:/signin/choose";
        }
        model.addAttribute("rememberPeriod", choices.rememberPeriod());
        signIn.codeEntryBlocked(pending.get().userId()).ifPresent(step -> codeWords.describe(step, model, response));
        return "signin/backup-code";
    }

    @PostMapping("/signin/backup-code")
    String backupCode(@RequestParam(defaultValue = "") String code,
                      @RequestParam(defaultValue = "false") boolean remember, HttpServletRequest request,
                      HttpServletResponse response, Model model, RedirectAttributes redirect) {
        Optional<PendingSignIn> pending = signIn.pending(request);
        if (pending.isEmpty()) {
            return "redirect:/signin?expired";
        }
        SecondStepChoices choices = signIn.choices(pending.get());
        SecondFactorStep step = signIn.backupCode(code, remember, request, response);
        if (step instanceof SecondFactorStep.SignedIn signedIn) {
            int left = backupCodes.remaining(signedIn.user().userId());
            redirect.addFlashAttribute(left <= 3 ? "flashWarning" : "flashSuccess",
                    messages.get("backupcode.accepted", left));
            return "redirect:" + returnPage.continueTo(request, response);
        }
        if (step instanceof SecondFactorStep.NoPendingSignIn) {
            return "redirect:/signin?expired";
        }
        model.addAttribute("rememberPeriod", choices.rememberPeriod());
        codeWords.describe(step, model, response, "backupcode.wrong");
        return "signin/backup-code";
    }
}

package dev.gatehouse.web.signin;

import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

import dev.gatehouse.factor.MethodTraits;
import dev.gatehouse.factor.SecondFactorMethod;
import dev.gatehouse.signin.BrowserSession;
import dev.gatehouse.signin.PendingSignIn;
import dev.gatehouse.signin.SecondFactorStep;
import dev.gatehouse.signin.SignInService;
import dev.gatehouse.web.Messages;
import dev.gatehouse.web.ReturnPageCache;

/**
 * The second sign-in step with a code: the primary method, or the one chosen under "Try another way". A method with
 * a page of its own ({@link MethodTraits#signInPage()}, e.g. a security key) is sent there. Public in the security
 * rules (the session is not signed in yet), but it only does anything for a session holding a pending sign-in, and
 * the user comes from that, never from the form.
 */
@Controller
class SecondFactorController {

    private final ReturnPageCache returnPage;
    private final SignInService signIn;
    private final CodeWords codeWords;
    private final SentCodeWords sentCodeWords;
    private final Messages messages;

    SecondFactorController(SignInService signIn, CodeWords codeWords, SentCodeWords sentCodeWords,
                           Messages messages, ReturnPageCache returnPage) {
        this.returnPage = returnPage;
        this.signIn = signIn;
        this.codeWords = codeWords;
        this.sentCodeWords = sentCodeWords;
        this.messages = messages;
    }

    @GetMapping("/signin/verify")
    String form(@RequestParam(defaultValue = "") String method, BrowserSession browser,
                HttpServletResponse response, Model model) {
        Optional<PendingSignIn> pending = signIn.pending(browser);
        if (pending.isEmpty()) {
            return "redirect:/signin?expired";
        }
        Optional<SecondFactorMethod> chosen = signIn.secondStepMethod(pending.get(), method);
        if (chosen.isEmpty()) {
            return "redirect:/signin/choose";
        }
        if (chosen.get().traits().signInPage() != null) {
            return "redirect:" + chosen.get().traits().signInPage();
        }
        show(pending.get(), chosen.get(), model);
        // A locked user learns the wait on opening the page, not only after typing a code that cannot pass.
        Optional<SecondFactorStep> blocked = signIn.codeEntryBlocked(pending.get().userId());
        blocked.ifPresent(step -> codeWords.describe(step, model, response));
        // Showing a method that sends codes sends its first one, once per sign-in attempt ("Send a new code" for more).
        signIn.startSecondStep(chosen.get(), blocked.isEmpty() ? SecondFactorMethod.Send.FIRST
                : SecondFactorMethod.Send.NOTHING, browser).ifPresent(start -> sentCodeWords.describe(start, model));
        return "signin/verify";
    }

    @PostMapping("/signin/verify")
    String submit(@RequestParam(defaultValue = "") String method, @RequestParam(defaultValue = "") String code,
                  @RequestParam(defaultValue = "false") boolean remember, BrowserSession browser, HttpServletRequest request,
                  HttpServletResponse response, Model model) {
        Optional<PendingSignIn> pending = signIn.pending(browser);
        if (pending.isEmpty()) {
            return "redirect:/signin?expired";
        }
        Optional<SecondFactorMethod> chosen = signIn.secondStepMethod(pending.get(), method);
        if (chosen.isEmpty() || chosen.get().traits().signInPage() != null) {
            return "redirect:/signin/choose";
        }
        SecondFactorStep step = signIn.secondFactor(chosen.get(), code, remember, browser);
        if (step instanceof SecondFactorStep.SignedIn) {
            return "redirect:" + returnPage.continueTo(request, response);
        }
        if (step instanceof SecondFactorStep.NoPendingSignIn) {
            return "redirect:/signin?expired";
        }
        show(pending.get(), chosen.get(), model);
        signIn.startSecondStep(chosen.get(), SecondFactorMethod.Send.NOTHING, browser)
                .ifPresent(start -> sentCodeWords.describe(start, model));
        boolean sent = chosen.get().traits().answer() == MethodTraits.Answer.SENT_CODE;
        codeWords.describe(step, model, response, sent ? "codes.wrong" : "code.wrong");
        if (step instanceof SecondFactorStep.WrongCode && Boolean.TRUE.equals(model.getAttribute("expired"))) {
            model.addAttribute("error", messages.get("codes.expired"));
        }
        return "signin/verify";
    }

    private void show(PendingSignIn pending, SecondFactorMethod method, Model model) {
        model.addAttribute("method", method.type().name());
        model.addAttribute("rememberPeriod", signIn.rememberPeriod(pending));
        model.addAttribute("forReset", pending.emailLink());
    }
}

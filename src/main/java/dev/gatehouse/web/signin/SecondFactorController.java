package dev.gatehouse.web.signin;

import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

import dev.gatehouse.factor.FactorType;
import dev.gatehouse.signin.PendingSignIn;
import dev.gatehouse.signin.SecondFactorStep;
import dev.gatehouse.signin.SecondStepChoices;
import dev.gatehouse.signin.SentCodeSignIn;
import dev.gatehouse.signin.SignInService;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.web.Messages;
import dev.gatehouse.web.ReturnPageCache;

/**
 * The second sign-in step with a code: the primary method, or the one chosen under "Try another way". Public in the
 * security rules (the session is not signed in yet), but it only does anything for a session holding a pending
 * sign-in, and the user comes from that, never from the form.
 */
@Controller
class SecondFactorController {

    private final ReturnPageCache returnPage;

    private final SignInService signIn;
    private final SentCodeSignIn sentCodes;
    private final SentCodeWords sentCodeWords;
    private final CodeWords codeWords;
    private final Messages messages;

    SecondFactorController(SignInService signIn, SentCodeSignIn sentCodes, SentCodeWords sentCodeWords,
                           CodeWords codeWords, Messages messages, ReturnPageCache returnPage) {
        this.returnPage = returnPage;
        this.signIn = signIn;
        this.sentCodes = sentCodes;
        this.sentCodeWords = sentCodeWords;
        this.codeWords = codeWords;
        this.messages = messages;
    }

    @GetMapping("/signin/verify")
    String form(@RequestParam(defaultValue = "") String method, HttpServletRequest request,
                HttpServletResponse response, Model model) {
        Optional<PendingSignIn> pending = signIn.pending(request);
        if (pending.isEmpty()) {
            return "redirect:/signin?expired";
        }
        SecondStepChoices choices = signIn.choices(pending.get());
        Optional<FactorType> type = chosen(choices, method);
        if (type.isEmpty()) {
            return "redirect:/signin/choose";
        }
        if (type.get() == FactorType.WEBAUTHN) {
            return "redirect:" + WebAuthnSignInController.SIGN_IN;
        }
        show(choices, type.get(), model);
        // A locked user learns the wait on opening the page, not only after typing a code that cannot pass.
        Optional<SecondFactorStep> blocked = signIn.codeEntryBlocked(pending.get().userId());
        blocked.ifPresent(step -> codeWords.describe(step, model, response));
        // Email and SMS: showing the method sends its code, once per sign-in attempt ("Send a new code" for more).
        sentCode(pending.get(), type.get(), blocked.isEmpty(), request, model);
        return "signin/verify";
    }

    @PostMapping("/signin/verify")
    String submit(@RequestParam(defaultValue = "") String method, @RequestParam(defaultValue = "") String code,
                  @RequestParam(defaultValue = "false") boolean remember, HttpServletRequest request,
                  HttpServletResponse response, Model model) {
        Optional<PendingSignIn> pending = signIn.pending(request);
        if (pending.isEmpty()) {
            return "redirect:/signin?expired";
        }
        SecondStepChoices choices = signIn.choices(pending.get());
        Optional<FactorType> type = chosen(choices, method);
        if (type.isEmpty() || !type.get().usesCodes()) {
            return "redirect:/signin/choose";
        }
        SecondFactorStep step = signIn.secondFactor(type.get(), code, remember, request, response);
        if (step instanceof SecondFactorStep.SignedIn) {
            return "redirect:" + returnPage.continueTo(request, response);
        }
        if (step instanceof SecondFactorStep.NoPendingSignIn) {
            return "redirect:/signin?expired";
        }
        show(choices, type.get(), model);
        sentCode(pending.get(), type.get(), false, request, model);
        codeWords.describe(step, model, response, sentCodes.sendsCodes(type.get()) ? "codes.wrong" : "code.wrong");
        if (step instanceof SecondFactorStep.WrongCode && Boolean.TRUE.equals(model.getAttribute("expired"))) {
            model.addAttribute("error", messages.get("codes.expired"));
        }
        return "signin/verify";
    }

    /** The method asked for, if it is one of the user's methods; without one, the primary. */
    private static Optional<FactorType> chosen(SecondStepChoices choices, String method) {
        if (method.isEmpty()) {
            return Optional.ofNullable(choices.primary());
        }
        return choices.methods().stream().filter(t -> t.name().equals(method)).findFirst();
    }

    /** For a method whose codes Gatehouse sends: sends the first one if asked, and says where it went and until when. */
    private void sentCode(PendingSignIn pending, FactorType type, boolean sendFirst, HttpServletRequest request,
                          Model model) {
        if (!sentCodes.sendsCodes(type)) {
            return;
        }
        if (sendFirst) {
            sentCodes.sendIfNone(pending, type, ClientInfo.of(request)).flatMap(sentCodeWords::problem)
                    .ifPresent(problem -> model.addAttribute("sendProblem", problem));
        }
        sentCodeWords.describe(sentCodes.challenge(pending, type), sentCodes.maskedDestination(pending.userId(), type),
                model);
    }

    private static void show(SecondStepChoices choices, FactorType type, Model model) {
        model.addAttribute("method", type.name());
        model.addAttribute("rememberPeriod", choices.rememberPeriod());
    }
}

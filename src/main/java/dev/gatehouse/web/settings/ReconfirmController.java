package dev.gatehouse.web.settings;

import static dev.gatehouse.web.ReconfirmLinks.safeNext;

import java.time.Clock;
import java.util.Optional;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

import dev.gatehouse.factor.CodePurpose;
import dev.gatehouse.factor.MethodTraits;
import dev.gatehouse.factor.SecondFactorMethod;
import dev.gatehouse.factor.SecondFactors;
import dev.gatehouse.signin.BrowserSession;
import dev.gatehouse.signin.SecondFactorStep;
import dev.gatehouse.signin.SignInService.Reconfirm;
import dev.gatehouse.signin.SignInService.ReconfirmStep;
import dev.gatehouse.signin.SignInService;
import dev.gatehouse.signin.SignedInUser;
import dev.gatehouse.web.Messages;
import dev.gatehouse.web.TooManyRequests;
import dev.gatehouse.web.signin.CodeWords;
import dev.gatehouse.web.signin.SentCodeWords;

/**
 * "Confirm it's you" before a security change: the password, and a current code when one is due; a user with a
 * security key is offered it for the code ({@code /settings/confirm/webauthn}).
 */
@Controller
class ReconfirmController {

    private final SignInService signIn;
    private final CodeWords codeWords;
    private final Messages messages;
    private final SentCodeWords sentCodeWords;
    private final SecondFactors methods;
    private final Clock clock;

    ReconfirmController(SignInService signIn, CodeWords codeWords, Messages messages, SentCodeWords sentCodeWords,
                        SecondFactors methods, Clock clock) {
        this.clock = clock;
        this.signIn = signIn;
        this.codeWords = codeWords;
        this.messages = messages;
        this.sentCodeWords = sentCodeWords;
        this.methods = methods;
    }

    @GetMapping("/settings/confirm")
    String form(@AuthenticationPrincipal SignedInUser me, @RequestParam(defaultValue = "") String next,
                @RequestParam(defaultValue = "") String with, @RequestParam(defaultValue = "") String method,
                BrowserSession browser, HttpServletResponse response, Model model) {
        Reconfirm needed = signIn.reconfirmationNeeded(me, browser);
        if (needed == Reconfirm.NOTHING) {
            return "redirect:" + safeNext(next);
        }
        model.addAttribute("next", safeNext(next));
        model.addAttribute("codeNeeded", needed == Reconfirm.PASSWORD_AND_CODE);
        // A user with a security key is offered it first; "Use a code instead" (with=code) shows the code form.
        if (needed == Reconfirm.PASSWORD_AND_CODE && !"code".equals(with) && offerDevice(me, browser, model)) {
            return "settings/confirm";
        }
        if (needed == Reconfirm.PASSWORD_AND_CODE) {
            Optional<SecondFactorStep> blocked = signIn.codeEntryBlocked(me.userId());
            blocked.ifPresent(step -> codeWords.describeForSignedIn(step, model, response));
            codeMethod(me, method, blocked.isEmpty() ? SecondFactorMethod.Send.FIRST : SecondFactorMethod.Send.NOTHING,
                    browser, model);
        }
        return "settings/confirm";
    }

    /**
     * The code method this re-confirmation asks for (the primary unless another is chosen), and for a method that
     * sends codes its code: sent when the page is first shown, with where it went and until when.
     */
    private void codeMethod(SignedInUser me, String named, SecondFactorMethod.Send send, BrowserSession browser,
                            Model model) {
        Optional<SecondFactorMethod> chosen = signIn.reconfirmMethod(me, named, false, browser);
        if (chosen.isEmpty()) {
            return;
        }
        model.addAttribute("codeMethod", chosen.get().type().name());
        model.addAttribute("otherCodeMethods", methods.ordered(me.userId()).stream()
                .filter(m -> m.traits().answer().typed() && !m.type().equals(chosen.get().type()))
                .map(m -> m.type().name()).toList());
        signIn.startReconfirm(me, chosen.get(), send, browser).ifPresent(start -> sentCodeWords.describe(start, model));
    }

    @PostMapping("/settings/confirm")
    String confirm(@AuthenticationPrincipal SignedInUser me, @RequestParam(defaultValue = "") String password,
                   @RequestParam(defaultValue = "") String code, @RequestParam(defaultValue = "") String next,
                   BrowserSession browser, HttpServletResponse response, Model model) {
        boolean codeNeeded = signIn.reconfirmationNeeded(me, browser) == Reconfirm.PASSWORD_AND_CODE;
        // The code form answers the code method this re-confirmation asks for, never a security key.
        Optional<SecondFactorMethod> asked = codeNeeded ? signIn.reconfirmMethod(me, "", false, browser)
                : Optional.empty();
        ReconfirmStep step = signIn.reconfirm(me, password, asked, code, browser);
        if (step instanceof ReconfirmStep.Confirmed) {
            return "redirect:" + safeNext(next);
        }
        model.addAttribute("next", safeNext(next));
        model.addAttribute("codeNeeded", codeNeeded);
        if (step instanceof ReconfirmStep.WrongPassword) {
            model.addAttribute("error", messages.get("password.wrongCurrent"));
            response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        } else if (step instanceof ReconfirmStep.PasswordPaused paused) {
            model.addAttribute("error", messages.until("tz.password.paused", paused.until()));
            TooManyRequests.until(response, clock.instant(), paused.until());
        } else if (step instanceof ReconfirmStep.CodeProblem problem) {
            boolean sent = asked.filter(m -> m.traits().answer() == MethodTraits.Answer.SENT_CODE).isPresent();
            codeWords.describeForSignedIn(problem.step(), model, response, sent ? "codes.wrong" : "code.wrong");
        }
        if (codeNeeded) {
            codeMethod(me, "", SecondFactorMethod.Send.NOTHING, browser, model);
            if (step instanceof ReconfirmStep.CodeProblem problem
                    && problem.step() instanceof SecondFactorStep.WrongCode
                    && Boolean.TRUE.equals(model.getAttribute("expired"))) {
                model.addAttribute("error", messages.get("codes.expired"));
            }
        }
        return "settings/confirm";
    }

    // --- with a device (a security key) ------------------------------------------------------------------------

    /**
     * For the "Confirm it's you" page: when the user has a method answered by a device, starts its ceremony and puts
     * it into the model ({@code webauthnOptions}), so the page offers it. Returns whether it did.
     */
    private boolean offerDevice(SignedInUser me, BrowserSession browser, Model model) {
        Optional<SecondFactorMethod.Start> start = signIn.reconfirmDevice(me, browser)
                .flatMap(device -> signIn.startReconfirm(me, device, SecondFactorMethod.Send.FIRST, browser));
        Optional<SecondFactorMethod.Prompt.Ceremony> ceremony = start
                .flatMap(s -> s.prompt(SecondFactorMethod.Prompt.Ceremony.class));
        if (ceremony.isPresent()) {
            model.addAttribute("webauthnOptions", ceremony.get().browserJson());
            model.addAttribute("codeAlternative", signIn.typedAlternative(me));
            return true;
        }
        return false;
    }

    @PostMapping("/settings/confirm/webauthn")
    String confirmWithKey(@AuthenticationPrincipal SignedInUser me, @RequestParam(defaultValue = "") String password,
                          @RequestParam(defaultValue = "") String credential,
                          @RequestParam(defaultValue = "") String error, @RequestParam(defaultValue = "") String next,
                          BrowserSession browser, HttpServletResponse response, Model model) {
        Optional<SecondFactorMethod> device = signIn.reconfirmDevice(me, browser);
        String problemKey;
        if (device.isEmpty()) {
            return "redirect:/settings/confirm?next=" + safeNext(next);
        }
        if (credential.isEmpty()) {
            SecondFactorStep step = signIn.unanswered(device.get(), CodePurpose.RECONFIRM, error, browser);
            problemKey = error.isEmpty() ? "webauthn.noScript"
                    : step instanceof SecondFactorStep.Problem problem ? problem.messageKey() : "step.cancelled";
            response.setStatus(422);
        } else {
            ReconfirmStep step = signIn.reconfirm(me, password, device, credential, browser);
            if (step instanceof ReconfirmStep.Confirmed) {
                return "redirect:" + safeNext(next);
            }
            if (step instanceof ReconfirmStep.WrongPassword) {
                problemKey = "password.wrongCurrent";
                response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            } else if (step instanceof ReconfirmStep.PasswordPaused paused) {
                problemKey = null;
                model.addAttribute("error", messages.until("tz.password.paused", paused.until()));
                TooManyRequests.until(response, clock.instant(), paused.until());
            } else if (((ReconfirmStep.CodeProblem) step).step() instanceof SecondFactorStep.Problem problem) {
                problemKey = problem.messageKey();
                response.setStatus(problem.malformed() ? 400 : 401);
            } else {
                // Not the device's own problem (e.g. code entry is locked): told as the code form tells it.
                problemKey = null;
                codeWords.describeForSignedIn(((ReconfirmStep.CodeProblem) step).step(), model, response);
            }
        }
        model.addAttribute("next", safeNext(next));
        model.addAttribute("codeNeeded", true);
        if (problemKey != null) {
            model.addAttribute("error", messages.get(problemKey));
        }
        if (!offerDevice(me, browser, model)) {
            return "redirect:/settings/confirm?next=" + safeNext(next);
        }
        return "settings/confirm";
    }
}

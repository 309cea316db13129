package dev.gatehouse.web.settings;

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
import dev.gatehouse.factor.webauthn.PendingCeremony;
import dev.gatehouse.factor.webauthn.PendingCeremony.Purpose;
import dev.gatehouse.factor.webauthn.WebAuthnProblem;
import dev.gatehouse.signin.SentCodeSignIn;
import dev.gatehouse.signin.SignInService;
import dev.gatehouse.signin.SignInService.Reconfirm;
import dev.gatehouse.signin.SignInService.ReconfirmStep;
import dev.gatehouse.signin.SignedInUser;
import dev.gatehouse.signin.WebAuthnSignIn;
import dev.gatehouse.web.Messages;
import dev.gatehouse.web.PendingCeremonies;
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
    private final WebAuthnSignIn webAuthn;
    private final SentCodeSignIn sentCodes;
    private final SentCodeWords sentCodeWords;
    private final dev.gatehouse.factor.SignInMethods methods;

    ReconfirmController(SignInService signIn, CodeWords codeWords, Messages messages,
                        WebAuthnSignIn webAuthn, SentCodeSignIn sentCodes, SentCodeWords sentCodeWords,
                        dev.gatehouse.factor.SignInMethods methods) {
        this.sentCodes = sentCodes;
        this.sentCodeWords = sentCodeWords;
        this.methods = methods;
        this.signIn = signIn;
        this.codeWords = codeWords;
        this.messages = messages;
        this.webAuthn = webAuthn;
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
                && offerReconfirm(me, request, model)) {
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

    // --- with a security key -----------------------------------------------------------------------------------

    /**
     * For the "Confirm it's you" page: when the user has a security key, starts a ceremony and puts it into the model
     * ({@code webauthnOptions}), so the page offers the key. Returns whether it did.
     */
    private boolean offerReconfirm(SignedInUser me, HttpServletRequest request, Model model) {
        Optional<PendingCeremony> ceremony = webAuthn.startReconfirm(me);
        ceremony.ifPresent(c -> {
            request.getSession().setAttribute(PendingCeremony.attribute(Purpose.CONFIRM), c);
            model.addAttribute("webauthnOptions", c.browserJson());
            model.addAttribute("codeAlternative", webAuthn.codeAlternative(me));
        });
        return ceremony.isPresent();
    }

    @PostMapping("/settings/confirm/webauthn")
    String confirmWithKey(@AuthenticationPrincipal SignedInUser me, @RequestParam(defaultValue = "") String password,
                          @RequestParam(defaultValue = "") String credential,
                          @RequestParam(defaultValue = "") String error, @RequestParam(defaultValue = "") String next,
                          HttpServletRequest request, HttpServletResponse response, Model model) {
        PendingCeremony ceremony = PendingCeremonies.take(request.getSession(), Purpose.CONFIRM);
        String problemKey;
        if (credential.isEmpty()) {
            problemKey = error.isEmpty() ? "webauthn.noScript" : WebAuthnProblem.fromBrowserError(error).messageKey();
            response.setStatus(422);
        } else {
            WebAuthnSignIn.Reconfirm step = webAuthn.reconfirm(me, password, ceremony, credential, request, response);
            if (step instanceof WebAuthnSignIn.Reconfirm.Confirmed) {
                return "redirect:" + safeNext(next);
            }
            if (step instanceof WebAuthnSignIn.Reconfirm.WrongPassword) {
                problemKey = "password.wrongCurrent";
                response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            } else if (step instanceof WebAuthnSignIn.Reconfirm.PasswordPaused paused) {
                problemKey = null;
                model.addAttribute("error", messages.until("password.paused", paused.until()));
                response.setStatus(429);
            } else {
                WebAuthnProblem problem = ((WebAuthnSignIn.Reconfirm.Refused) step).problem();
                problemKey = problem.messageKey();
                response.setStatus(problem == WebAuthnProblem.MALFORMED ? 400 : 401);
            }
        }
        model.addAttribute("next", safeNext(next));
        model.addAttribute("codeNeeded", true);
        if (problemKey != null) {
            model.addAttribute("error", messages.get(problemKey));
        }
        if (!offerReconfirm(me, request, model)) {
            return "redirect:/settings/confirm?next=" + safeNext(next);
        }
        return "settings/confirm";
    }
}

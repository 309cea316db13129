package dev.gatehouse.web.settings.totp;

import java.util.Optional;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.gatehouse.factor.CodePurpose;
import dev.gatehouse.factor.EnrolledFactor;
import dev.gatehouse.factor.FactorService;
import dev.gatehouse.factor.PendingStep;
import dev.gatehouse.factor.SecondFactorMethod;
import dev.gatehouse.factor.totp.TotpMethod;
import dev.gatehouse.factor.totp.TotpSecondFactor;
import dev.gatehouse.signin.BrowserSession;
import dev.gatehouse.signin.SignInService;
import dev.gatehouse.signin.SignedInUser;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.user.User;
import dev.gatehouse.web.ConfirmFirst;
import dev.gatehouse.web.CurrentUser;
import dev.gatehouse.web.Messages;
import dev.gatehouse.web.settings.BackupCodesToShow;

/** Security tab > Authenticator app: set up (QR code, key, first code) and turn off. Both need re-confirmation. */
@Controller
class TotpSettingsController {

    static final String PENDING = PendingStep.attribute(TotpMethod.TYPE, CodePurpose.SETUP);
    private static final String SETUP = "/settings/two-factor/app";

    private final FactorService factors;
    private final TotpSecondFactor app;
    private final SignInService signIn;
    private final Messages messages;

    TotpSettingsController(FactorService factors, TotpSecondFactor app, SignInService signIn, Messages messages) {
        this.factors = factors;
        this.app = app;
        this.signIn = signIn;
        this.messages = messages;
    }

    @ConfirmFirst
    @GetMapping(SETUP)
    String setup(@CurrentUser User user, HttpServletRequest request, Model model, RedirectAttributes redirect) {
        HttpSession session = request.getSession();
        SecondFactorMethod.Start start = app.startEnrollment(new SecondFactorMethod.Setup(user, ClientInfo.of(request)),
                pending(session));
        if (start instanceof SecondFactorMethod.Start.Refused refused) {
            // Already on is good news; anything else (the account's rules) is a reason it cannot be.
            boolean alreadyOn = "totp.setup.already".equals(refused.problemKey());
            redirect.addFlashAttribute(alreadyOn ? "flashSuccess" : "flashError",
                    messages.get(alreadyOn ? "totp.alreadyOn" : refused.problemKey()));
            return "redirect:/settings/security";
        }
        SecondFactorMethod.Start.Ready ready = (SecondFactorMethod.Start.Ready) start;
        session.setAttribute(PENDING, ready.pending());
        model.addAttribute("setup", ((SecondFactorMethod.Prompt.EnterCode) ready.prompt()).shown());
        return "settings/totp-setup";
    }

    @ConfirmFirst
    @PostMapping(SETUP)
    String finish(@AuthenticationPrincipal SignedInUser me, @CurrentUser User user,
                  @RequestParam(defaultValue = "") String code, BrowserSession browser, HttpServletRequest request,
                  HttpServletResponse response, Model model, RedirectAttributes redirect) {
        HttpSession session = request.getSession();
        PendingStep pending = pending(session);
        SecondFactorMethod.Setup setup = new SecondFactorMethod.Setup(user, ClientInfo.of(request));
        SecondFactorMethod.Finish result = app.finishEnrollment(setup, pending, code);
        if (result instanceof SecondFactorMethod.Finish.Proved enabled) {
            session.removeAttribute(PENDING);
            if (enabled.firstBackupCodes() != null) {
                // The user's first method: its first code is the session's second factor. Beside others, it proves
                // none of them, so it never meets a step-up (found by an outside attack).
                signIn.secondFactorProved(me, app, browser);
            }
            // "From now on" only for the first method, the one asked for first (as for email and text codes).
            redirect.addFlashAttribute("flashSuccess",
                    messages.get(enabled.firstBackupCodes() != null ? "totp.enabled" : "totp.enabled.beside"));
            if (enabled.firstBackupCodes() != null) {
                // The first method brings the backup codes: they are shown now, once.
                return BackupCodesToShow.show(request, enabled.firstBackupCodes(), true);
            }
            return "redirect:/settings/security";
        }
        if (result instanceof SecondFactorMethod.Finish.Problem problem && pending != null) {
            // The same key again: the setup goes on with the QR code the user already scanned.
            Optional<SecondFactorMethod.Prompt.EnterCode> prompt = app.startEnrollment(setup, pending)
                    .prompt(SecondFactorMethod.Prompt.EnterCode.class);
            if (prompt.isPresent()) {
                model.addAttribute("setup", prompt.get().shown());
                model.addAttribute("error", messages.get(problem.messageKey()));
                response.setStatus(422);
                return "settings/totp-setup";
            }
        }
        session.removeAttribute(PENDING);
        redirect.addFlashAttribute("flashError", messages.get("totp.setup.expired"));
        return "redirect:" + SETUP;
    }

    @ConfirmFirst
    @GetMapping("/settings/two-factor/{factorId}/remove")
    String confirmRemoval(@AuthenticationPrincipal SignedInUser me, @PathVariable UUID factorId,
                          Model model) {
        Optional<EnrolledFactor> factor = factors.factors(me.userId()).stream()
                .filter(f -> f.id().equals(factorId)).findFirst();
        if (factor.isEmpty()) {
            return "redirect:/settings/security";
        }
        model.addAttribute("factor", factor.get());
        model.addAttribute("last", factors.factors(me.userId()).size() == 1);
        model.addAttribute("required", factors.required(me.userId()));
        return "settings/remove-factor";
    }

    @ConfirmFirst
    @PostMapping("/settings/two-factor/{factorId}/remove")
    String remove(@CurrentUser User user, @PathVariable UUID factorId, HttpServletRequest request,
                  RedirectAttributes redirect) {
        FactorService.Removal result = factors.remove(user, factorId, ClientInfo.of(request));
        if (result instanceof FactorService.Removal.Removed removed) {
            redirect.addFlashAttribute("flashSuccess", messages.get("factor.removed",
                    messages.get("factor." + removed.type().name())));
        } else if (result instanceof FactorService.Removal.RequiredByAccount) {
            redirect.addFlashAttribute("flashError", messages.get("factor.requiredByAccount"));
        }
        return "redirect:/settings/security";
    }

    /** The setup kept in this session, if any; the method checks it is this user's and still fresh. */
    private static PendingStep pending(HttpSession session) {
        return session.getAttribute(PENDING) instanceof PendingStep pending ? pending : null;
    }
}

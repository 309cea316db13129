package dev.gatehouse.web.settings.webauthn;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.gatehouse.factor.FactorService;
import dev.gatehouse.factor.MethodRules;
import dev.gatehouse.factor.PendingStep;
import dev.gatehouse.factor.SecondFactorMethod;
import dev.gatehouse.factor.webauthn.CredentialName;
import dev.gatehouse.factor.webauthn.WebAuthnCredential;
import dev.gatehouse.factor.webauthn.WebAuthnSecondFactor;
import dev.gatehouse.factor.webauthn.WebAuthnService;
import dev.gatehouse.signin.BrowserSession;
import dev.gatehouse.signin.SignInService;
import dev.gatehouse.signin.SignedInUser;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.user.User;
import dev.gatehouse.web.ConfirmFirst;
import dev.gatehouse.web.CurrentUser;
import dev.gatehouse.web.Messages;
import dev.gatehouse.web.settings.BackupCodesToShow;

/**
 * Security tab > Security keys and devices: add (name, re-confirmation, the browser's ceremony), rename, remove
 * (re-confirmation). The ceremony in progress lives in the session and is taken out by the first answer, right or
 * wrong, so a challenge is used once; every failure comes back as this page with a new one.
 */
@Controller
class WebAuthnSettingsController {

    static final String NEW = "/settings/webauthn/new";

    private final WebAuthnService webAuthn;
    private final WebAuthnSecondFactor keys;
    private final FactorService factors;
    private final SignInService signIn;
    private final Messages messages;

    WebAuthnSettingsController(WebAuthnService webAuthn, WebAuthnSecondFactor keys, FactorService factors,
                               SignInService signIn, Messages messages) {
        this.webAuthn = webAuthn;
        this.keys = keys;
        this.factors = factors;
        this.signIn = signIn;
        this.messages = messages;
    }

    // --- add ----------------------------------------------------------------------------------------------------

    @ConfirmFirst
    @GetMapping(NEW)
    String addForm(@CurrentUser User user, HttpServletRequest request, Model model,
                   RedirectAttributes redirect) {
        return showAddForm(user, "", request, model, redirect);
    }

    @ConfirmFirst
    @PostMapping(NEW)
    String add(@AuthenticationPrincipal SignedInUser me, @CurrentUser User user, @RequestParam(defaultValue = "") String name,
               @RequestParam(defaultValue = "") String credential, @RequestParam(defaultValue = "") String error,
               BrowserSession browser, HttpServletRequest request, HttpServletResponse response, Model model,
               RedirectAttributes redirect) {
        PendingStep pending = PendingCeremonies.take(request.getSession());
        Optional<String> nameProblem = CredentialName.problem(name);
        if (nameProblem.isPresent()) {
            model.addAttribute("nameError", messages.get(nameProblem.get()));
            response.setStatus(422);
            return showAddForm(user, name, request, model, redirect);
        }
        if (credential.isEmpty()) {
            // The script posts the browser's refusal instead of a credential; with no script at all, neither comes.
            String problem = error.isEmpty() ? "webauthn.noScript"
                    : ((SecondFactorMethod.Finish.Problem) keys.unanswered(error)).messageKey();
            return problem(problem, 422, user, name, request, response, model, redirect);
        }
        SecondFactorMethod.Finish result = keys.finishEnrollment(new SecondFactorMethod.Setup(user,
                ClientInfo.of(request), Map.of(WebAuthnSecondFactor.NAME, name)), pending, credential);
        if (result instanceof SecondFactorMethod.Finish.Proved registered) {
            if (registered.firstBackupCodes() != null) {
                // The user's first method: touching it is the session's second factor (as the first code of a new
                // app is). A method added beside others proves none of them, so it never meets a step-up.
                signIn.secondFactorProved(me, keys, browser);
            }
            redirect.addFlashAttribute("flashSuccess", messages.get("webauthn.added.flash",
                    new CredentialName(name).value()));
            if (registered.firstBackupCodes() != null) {
                return BackupCodesToShow.show(request, registered.firstBackupCodes(), true);
            }
            return "redirect:/settings/security#webauthn";
        }
        SecondFactorMethod.Finish.Problem problem = result instanceof SecondFactorMethod.Finish.Problem p ? p
                : new SecondFactorMethod.Finish.Problem("webauthn.problem.EXPIRED");
        return problem(problem.messageKey(), problem.malformed() ? 400 : 422, user, name, request,
                response, model, redirect);
    }

    private String problem(String key, int status, User user, String name, HttpServletRequest request,
                           HttpServletResponse response, Model model, RedirectAttributes redirect) {
        model.addAttribute("error", messages.get(key));
        response.setStatus(status);
        return showAddForm(user, name, request, model, redirect);
    }

    /** The add page with a new ceremony (the one before, if any, is gone from the session). */
    private String showAddForm(User user, String name, HttpServletRequest request, Model model,
                               RedirectAttributes redirect) {
        SecondFactorMethod.Start start = keys.startEnrollment(new SecondFactorMethod.Setup(user,
                ClientInfo.of(request)), null);
        if (start instanceof SecondFactorMethod.Start.Refused refused
                && MethodRules.NOT_ALLOWED.equals(refused.problemKey())) {
            redirect.addFlashAttribute("flashError", messages.get(MethodRules.NOT_ALLOWED));
            return "redirect:/settings/security#webauthn";
        }
        if (!(start instanceof SecondFactorMethod.Start.Ready ready
                && ready.prompt() instanceof SecondFactorMethod.Prompt.Ceremony ceremony)) {
            redirect.addFlashAttribute("flashError", messages.get("webauthn.new.full", WebAuthnService.MAX_CREDENTIALS));
            return "redirect:/settings/security#webauthn";
        }
        PendingCeremonies.keep(request.getSession(), ready.pending());
        model.addAttribute("options", ceremony.browserJson());
        model.addAttribute("name", name);
        model.addAttribute("maxNameLength", CredentialName.MAX_LENGTH);
        return "settings/webauthn-new";
    }

    // --- rename -------------------------------------------------------------------------------------------------

    @GetMapping("/settings/webauthn/{factorId}/rename")
    String renameForm(@AuthenticationPrincipal SignedInUser me, @PathVariable UUID factorId, Model model) {
        Optional<WebAuthnCredential> credential = webAuthn.credential(me.userId(), factorId);
        if (credential.isEmpty()) {
            return "redirect:/settings/security#webauthn";
        }
        model.addAttribute("credential", credential.get());
        model.addAttribute("name", credential.get().name());
        model.addAttribute("maxNameLength", CredentialName.MAX_LENGTH);
        return "settings/webauthn-rename";
    }

    /** Renaming changes no security: no re-confirmation, audited, no email. */
    @PostMapping("/settings/webauthn/{factorId}/rename")
    String rename(@AuthenticationPrincipal SignedInUser me, @CurrentUser User user, @PathVariable UUID factorId,
                  @RequestParam(defaultValue = "") String name, HttpServletRequest request,
                  HttpServletResponse response, Model model, RedirectAttributes redirect) {
        Optional<WebAuthnCredential> credential = webAuthn.credential(me.userId(), factorId);
        if (credential.isEmpty()) {
            return "redirect:/settings/security#webauthn";
        }
        Optional<String> problem = CredentialName.problem(name);
        if (problem.isPresent()) {
            model.addAttribute("credential", credential.get());
            model.addAttribute("name", name);
            model.addAttribute("maxNameLength", CredentialName.MAX_LENGTH);
            model.addAttribute("nameError", messages.get(problem.get()));
            response.setStatus(422);
            return "settings/webauthn-rename";
        }
        if (webAuthn.rename(user, factorId, new CredentialName(name), ClientInfo.of(request))
                instanceof WebAuthnService.Rename.Renamed renamed) {
            redirect.addFlashAttribute("flashSuccess", messages.get("webauthn.renamed", renamed.name().value()));
        }
        return "redirect:/settings/security#webauthn";
    }

    // --- remove -------------------------------------------------------------------------------------------------

    @ConfirmFirst
    @GetMapping("/settings/webauthn/{factorId}/remove")
    String removeForm(@AuthenticationPrincipal SignedInUser me, @PathVariable UUID factorId,
                      Model model) {
        Optional<WebAuthnCredential> credential = webAuthn.credential(me.userId(), factorId);
        if (credential.isEmpty()) {
            return "redirect:/settings/security#webauthn";
        }
        int methods = factors.factors(me.userId()).size();
        model.addAttribute("credential", credential.get());
        model.addAttribute("last", methods == 1);
        model.addAttribute("required", factors.required(me.userId()));
        return "settings/webauthn-remove";
    }

    /** Removal goes through the core: last-method and account rules, backup codes, trusted devices, audit, email. */
    @ConfirmFirst
    @PostMapping("/settings/webauthn/{factorId}/remove")
    String remove(@AuthenticationPrincipal SignedInUser me, @CurrentUser User user, @PathVariable UUID factorId, HttpServletRequest request,
                  RedirectAttributes redirect) {
        Optional<WebAuthnCredential> credential = webAuthn.credential(me.userId(), factorId);
        if (credential.isEmpty()) {
            return "redirect:/settings/security#webauthn";
        }
        FactorService.Removal result = factors.remove(user, factorId, ClientInfo.of(request));
        if (result instanceof FactorService.Removal.Removed) {
            redirect.addFlashAttribute("flashSuccess", messages.get("webauthn.removed", credential.get().name()));
        } else if (result instanceof FactorService.Removal.RequiredByAccount) {
            redirect.addFlashAttribute("flashError", messages.get("factor.requiredByAccount"));
        }
        return "redirect:/settings/security#webauthn";
    }
}

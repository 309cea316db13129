package dev.gatehouse.web.settings;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.factor.FactorService;
import dev.gatehouse.factor.FactorType;
import dev.gatehouse.account.SecurityRulesService;
import dev.gatehouse.factor.MethodRules;
import dev.gatehouse.factor.SecondFactors;
import dev.gatehouse.factor.SignInMethods;
import dev.gatehouse.signin.BrowserSession;
import dev.gatehouse.signin.SignInService;
import dev.gatehouse.signin.SignedInUser;
import dev.gatehouse.signin.TrustedDevices;
import dev.gatehouse.signin.TwoFactorRequirement;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.user.UserService.PasswordChange;
import dev.gatehouse.user.UserService;
import dev.gatehouse.web.ConfirmFirst;
import dev.gatehouse.web.Messages;
import dev.gatehouse.web.TooManyRequests;

/**
 * Settings > Security: the password, methods, backup codes, the primary method, trusted devices, sessions and recent
 * security activity.
 */
@Controller
class SecuritySettingsController {

    /** The Security page keeps to the last few events; "See all activity" pages through the rest. */
    static final int ACTIVITY_ROWS = 10;

    private final UserService users;
    private final SignInService signIn;
    private final AuditLog audit;
    private final Messages messages;
    private final FactorService factors;
    private final SignInMethods methods;
    private final TrustedDevices trustedDevices;
    private final SecondFactors registered;
    private final List<SecurityTabCard> cards;
    private final TwoFactorRequirement requirement;
    private final MethodRules methodRules;
    private final Clock clock;

    SecuritySettingsController(UserService users, SignInService signIn, AuditLog audit, Messages messages,
                               FactorService factors, SignInMethods methods, TrustedDevices trustedDevices,
                               SecondFactors registered, List<SecurityTabCard> cards,
                               TwoFactorRequirement requirement, MethodRules methodRules,
                               SecurityRulesService accountRules, Clock clock) {
        this.clock = clock;
        this.accountRules = accountRules;
        this.requirement = requirement;
        this.methodRules = methodRules;
        this.registered = registered;
        this.cards = List.copyOf(cards);
        this.factors = factors;
        this.methods = methods;
        this.trustedDevices = trustedDevices;
        this.users = users;
        this.signIn = signIn;
        this.audit = audit;
        this.messages = messages;
    }

    private final SecurityRulesService accountRules;

    @GetMapping("/settings/security")
    String page(@AuthenticationPrincipal SignedInUser me, BrowserSession browser, Model model) {
        model.addAttribute("user", users.findById(me.userId()).orElseThrow());
        // Read more than shown: runs of like events become one row each (ActivityRow).
        model.addAttribute("activity", ActivityRow.grouped(audit.recentForUser(me.userId(), ACTIVITY_ROWS * 5),
                ACTIVITY_ROWS));
        model.addAttribute("factors", factors.factors(me.userId()));
        // Each registered method's card, in page order: its own fragment, with what its card bean gives it.
        model.addAttribute("methodCards", cards(me.userId(), true));
        model.addAttribute("standInCards", cards(me.userId(), false));
        model.addAttribute("required", factors.required(me.userId()));
        TwoFactorRequirement.Status setup = requirement.status(me.userId());
        model.addAttribute("setupRequired", setup.unmet() ? setup : null);
        // "Not now" taken in this session: the banner says until when, and no longer that the rest is closed.
        model.addAttribute("setupPostponed", setup.unmet() && !requirement.blocks(setup, me.userId(), browser));
        java.util.List<FactorType> methodTypes = methods.ordered(me.userId());
        model.addAttribute("methodTypes", methodTypes);
        model.addAttribute("primary", methodTypes.isEmpty() ? null : methodTypes.get(0));
        model.addAttribute("trustedDevices", trustedDevices.list(me.userId(), browser));
        model.addAttribute("sessions", signIn.sessions(me, browser));
        model.addAttribute("trustPeriod", trustedDevices.period(me.userId()));
        // Which account set each rule, for a user who belongs to accounts with a say (docs/decisions.md).
        model.addAttribute("origins", accountRules.originsFor(me.userId()));
        // Accounts that ask every member for a phone number, while this user has none: asked here, never enforced.
        model.addAttribute("phoneAskedBy", accountRules.phoneAskedBy(me.userId()));
        if (!model.containsAttribute("passwordErrors")) {
            model.addAttribute("passwordErrors", java.util.Map.of());
        }
        return "settings/security";
    }

    private List<SecurityTabCard.Shown> cards(UUID userId, boolean standalone) {
        // A method the account's rules do not allow is shown only to a user who has it (to see or remove it).
        java.util.function.Predicate<FactorType> addable = methodRules.addable(userId);
        return registered.all().stream().filter(m -> m.traits().standalone() == standalone)
                .filter(m -> !standalone || addable.test(m.type()) || m.activeFor(userId))
                .flatMap(m -> cards.stream().filter(c -> c.type().equals(m.type())).findFirst().stream()
                        .map(c -> new SecurityTabCard.Shown(m.type(), m.traits().settingsFragment(), c.view(userId))))
                .toList();
    }

    /** Where "Confirm it's you" leads back to before a password change: the Security page, password form open. */
    @GetMapping("/settings/password")
    String passwordForm() {
        return "redirect:/settings/security?password";
    }

    /**
     * A security change like the others: a session that has not proved a second factor lately (e.g. one signed in on
     * a trusted device) proves one first. The current password in the form is the password part.
     */
    @ConfirmFirst(next = "/settings/password", passwordInForm = true)
    @PostMapping("/settings/password")
    String changePassword(@AuthenticationPrincipal SignedInUser me,
                          @RequestParam(defaultValue = "") String currentPassword,
                          @RequestParam(defaultValue = "") String newPassword,
                          @RequestParam(defaultValue = "") String confirmPassword, BrowserSession browser,
                          HttpServletRequest request,
                          HttpServletResponse response, RedirectAttributes redirect, Model model) {
        if (!newPassword.equals(confirmPassword)) {
            return passwordProblem(me, browser, model, response, "newPassword", "password.mismatch");
        }
        PasswordChange result = users.changePassword(me.userId(), currentPassword, newPassword, ClientInfo.of(request));
        if (result instanceof PasswordChange.WrongCurrentPassword) {
            return passwordProblem(me, browser, model, response, "currentPassword", "password.wrongCurrent");
        }
        if (result instanceof PasswordChange.Paused paused) {
            model.addAttribute("passwordErrors",
                    java.util.Map.of("currentPassword", messages.until("tz.password.paused", paused.until())));
            TooManyRequests.until(response, clock.instant(), paused.until());
            return page(me, browser, model);
        }
        if (result instanceof PasswordChange.Rejected rejected) {
            return passwordProblem(me, browser, model, response, "newPassword", rejected.problemKey());
        }
        signIn.afterPasswordChange(me, browser);
        redirect.addFlashAttribute("flashSuccess", messages.get("password.changed"));
        return "redirect:/settings/security";
    }

    /**
     * "Not now" on the set-up step an account's rules impose: postponed for this session while the admins' grace
     * period lasts; after it, the step stays.
     */
    @PostMapping("/settings/two-factor/postpone")
    String postponeSetup(@AuthenticationPrincipal SignedInUser me, BrowserSession browser,
                         RedirectAttributes redirect) {
        if (requirement.postpone(me.userId(), browser)) {
            redirect.addFlashAttribute("flashSuccess", messages.get("setupRequired.postponed"));
        } else {
            redirect.addFlashAttribute("flashError", messages.get("setupRequired.noMoreTime"));
        }
        return "redirect:/settings/security";
    }

    @PostMapping("/settings/signout-everywhere")
    String signOutEverywhere(@AuthenticationPrincipal SignedInUser me, BrowserSession browser) {
        signIn.signOutEverywhere(me, browser);
        return "redirect:/signin?signedOutEverywhere";
    }

    private String passwordProblem(SignedInUser me, BrowserSession browser, Model model, HttpServletResponse response,
                                   String field, String key) {
        model.addAttribute("passwordErrors", java.util.Map.of(field, messages.get(key)));
        response.setStatus(422);
        return page(me, browser, model);
    }
}

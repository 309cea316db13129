package dev.gatehouse.web.account;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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

import dev.gatehouse.account.AccountRulesProperties;
import dev.gatehouse.account.DeviceTrustPeriod;
import dev.gatehouse.account.Membership;
import dev.gatehouse.account.SecurityRules;
import dev.gatehouse.account.SecurityRulesService;
import dev.gatehouse.factor.FactorType;
import dev.gatehouse.factor.SecondFactorMethod;
import dev.gatehouse.factor.SecondFactors;
import dev.gatehouse.signin.SignedInUser;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.user.User;
import dev.gatehouse.web.ConfirmFirst;
import dev.gatehouse.web.CurrentUser;
import dev.gatehouse.web.Messages;

/**
 * Account > Settings > Security: the account's two-step verification rules, for its owners and admins. Anyone else
 * (another account's admin guessing ids included) gets the same 404 as for an account that does not exist. The
 * methods offered are the registered ones that stand on their own; backup codes come with any of them.
 */
@Controller
class AccountSecurityRulesController {

    static final String PAGE = "/accounts/{accountId}/settings/security";

    private final AccountAccess access;
    private final SecurityRulesService rules;
    private final SecondFactors methods;
    private final Messages messages;
    private final AccountRulesProperties properties;
    private final MemberOverview overview;

    AccountSecurityRulesController(AccountAccess access, SecurityRulesService rules, SecondFactors methods,
                                   Messages messages, AccountRulesProperties properties, MemberOverview overview) {
        this.overview = overview;
        this.properties = properties;
        this.access = access;
        this.rules = rules;
        this.methods = methods;
        this.messages = messages;
    }

    /** Shown after re-confirmation, so that what the admin chooses is saved in one go. */
    @ConfirmFirst
    @GetMapping(PAGE)
    String page(@PathVariable UUID accountId, @AuthenticationPrincipal SignedInUser me, Model model) {
        Membership membership = access.managed(accountId, me);
        List<FactorType> choosable = choosable();
        SecurityRules saved = rules.rules(accountId);
        if (!model.containsAttribute("rules")) {
            model.addAttribute("rules", saved);
            // Stored "every method" shows as every box ticked.
            model.addAttribute("allowedChosen", saved.allowedMethods().isEmpty()
                    ? choosable.stream().map(FactorType::name).toList() : saved.allowedMethods());
        }
        model.addAttribute("membership", membership);
        model.addAttribute("compliance", overview.compliance(saved, overview.rows(accountId)));
        model.addAttribute("methodTypes", choosable);
        model.addAttribute("graceDays", SecurityRules.GRACE_DAYS);
        model.addAttribute("trustPeriods", DeviceTrustPeriod.values());
        model.addAttribute("conditionGraceDays", properties.conditionGracePeriod().toDays());
        return "account/security";
    }

    @ConfirmFirst(next = PAGE)
    @PostMapping(PAGE)
    String save(@PathVariable UUID accountId, @AuthenticationPrincipal SignedInUser me, @CurrentUser User user,
                @RequestParam(defaultValue = "false") boolean require,
                @RequestParam(defaultValue = "0") String graceDays,
                @RequestParam(name = "allowed", required = false) List<String> allowed,
                @RequestParam(defaultValue = "") String trustPeriod,
                HttpServletRequest request, HttpServletResponse response, RedirectAttributes redirect, Model model) {
        access.managed(accountId, me);
        Set<String> known = new LinkedHashSet<>(choosable().stream().map(FactorType::name).toList());
        Set<String> chosen = allowed == null ? Set.of() : new LinkedHashSet<>(allowed);
        int grace = parse(graceDays);
        DeviceTrustPeriod period = java.util.Arrays.stream(DeviceTrustPeriod.values())
                .filter(p -> p.name().equals(trustPeriod)).findFirst().orElse(null);
        SecurityRulesService.Save result = rules.save(accountId, user, require, grace, chosen, period, known,
                ClientInfo.of(request));
        if (result instanceof SecurityRulesService.Save.Saved saved) {
            redirect.addFlashAttribute("flashSuccess", messages.get(saved.changes().isEmpty() ? "rules.unchanged"
                    : "rules.saved"));
            return "redirect:/accounts/" + accountId + "/settings/security";
        }
        SecurityRulesService.Save.Invalid invalid = (SecurityRulesService.Save.Invalid) result;
        // What was chosen stays on the page, with what is wrong with it; nothing was saved.
        SecurityRules current = rules.rules(accountId);
        model.addAttribute("rules", new SecurityRules(require, SecurityRules.GRACE_DAYS.contains(grace) ? grace : 0,
                Set.of(), period == null ? current.trustPeriod() : period, current.requiredSince(),
                current.ordersPlacedAt()));
        model.addAttribute("allowedChosen", chosen);
        model.addAttribute("errors", messages.resolve(invalid.problems()));
        response.setStatus(422);
        return page(accountId, me, model);
    }

    /** The methods an admin may allow or not: those that stand on their own and can run here. */
    private List<FactorType> choosable() {
        return methods.all().stream().filter(m -> m.traits().standalone() && m.available())
                .map(SecondFactorMethod::type).toList();
    }

    private static int parse(String days) {
        try {
            return Integer.parseInt(days);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

}

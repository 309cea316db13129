package dev.gatehouse.web.account;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.gatehouse.account.AccountService;
import dev.gatehouse.account.InvitationService;
import dev.gatehouse.factor.FactorService;
import dev.gatehouse.account.Membership;
import dev.gatehouse.signin.BrowserSession;
import dev.gatehouse.signin.SignInService.Reconfirm;
import dev.gatehouse.signin.SignInService;
import dev.gatehouse.signin.SignedInUser;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.user.User;
import dev.gatehouse.web.CurrentUser;
import dev.gatehouse.web.FormEcho;
import dev.gatehouse.web.Messages;
import dev.gatehouse.web.ReconfirmLinks;

/**
 * Account settings, for the account's owners and admins. Anyone else (another account's admin guessing ids
 * included) gets the same 404 as for an account that does not exist.
 */
@Controller
class AccountSettingsController {

    private final AccountService accounts;
    private final AccountAccess access;
    private final InvitationService invitations;
    private final Messages messages;
    private final SignInService signIn;
    private final FactorService factors;

    AccountSettingsController(AccountService accounts, AccountAccess access, InvitationService invitations,
                              Messages messages, SignInService signIn, FactorService factors) {
        this.factors = factors;
        this.accounts = accounts;
        this.access = access;
        this.invitations = invitations;
        this.messages = messages;
        this.signIn = signIn;
    }

    @GetMapping("/accounts/{accountId}/settings")
    String page(@PathVariable UUID accountId, @AuthenticationPrincipal SignedInUser me, BrowserSession browser,
                Model model) {
        Membership membership = access.managed(accountId, me);
        model.addAttribute("membership", membership);
        java.util.List<dev.gatehouse.account.Member> members = accounts.members(accountId);
        model.addAttribute("members", members);
        // Each member's methods by kind (never anything secret), for the "Two-step verification" column.
        java.util.Map<UUID, java.util.List<String>> methods = new java.util.HashMap<>();
        members.forEach(m -> methods.put(m.userId(), factors.factors(m.userId()).stream()
                .map(f -> f.type().name()).distinct().toList()));
        model.addAttribute("memberMethods", methods);
        model.addAttribute("invitations", invitations.pending(accountId));
        if (!model.containsAttribute("inviteErrors")) {
            // Back from "Confirm it's you" for an admin invitation: what was typed is still there.
            Optional<InviteDraft> draft = browser.takeAttribute(InviteDraft.ATTRIBUTE, InviteDraft.class)
                    .filter(d -> d.accountId().equals(accountId));
            model.addAttribute("inviteErrors", Map.of());
            model.addAttribute("inviteEmail", draft.map(InviteDraft::email).orElse(""));
            model.addAttribute("inviteRole", draft.map(InviteDraft::role).orElse("MEMBER"));
        }
        return "account/settings";
    }

    @PostMapping("/accounts/{accountId}/invitations")
    String invite(@PathVariable UUID accountId, @AuthenticationPrincipal SignedInUser me, @CurrentUser User user,
                  @RequestParam(defaultValue = "") String email, @RequestParam(defaultValue = "MEMBER") String role,
                  BrowserSession browser, HttpServletRequest request, HttpServletResponse response,
                  RedirectAttributes redirect, Model model) {
        access.managed(accountId, me);
        String settings = "/accounts/" + accountId + "/settings";
        if ("ADMIN".equals(role)) {
            // An admin can manage the account: handing that out is a security change, like adding a method.
            if (signIn.reconfirmationNeeded(me, browser) != Reconfirm.NOTHING) {
                model.addAttribute("inviteErrors", Map.of("role", messages.get("invite.admin.confirmFirst")));
                model.addAttribute("inviteEmail", FormEcho.cut(email));
                model.addAttribute("inviteRole", "ADMIN");
                model.addAttribute("confirmFirst", ReconfirmLinks.confirmLink(settings));
                browser.setAttribute(InviteDraft.ATTRIBUTE, new InviteDraft(accountId, FormEcho.cut(email), "ADMIN"));
                response.setStatus(HttpServletResponse.SC_FORBIDDEN);
                return page(accountId, me, browser, model);
            }
        }
        InvitationService.Invite result = invitations.invite(accountId, user,
                email, role, ClientInfo.of(request));
        if (result instanceof InvitationService.Invite.Sent sent) {
            redirect.addFlashAttribute("flashSuccess", messages.get("invite.sent", sent.email()));
            return "redirect:" + settings;
        }
        if (result instanceof InvitationService.Invite.Invalid invalid) {
            model.addAttribute("inviteErrors", messages.resolve(invalid.problems()));
            model.addAttribute("inviteEmail", FormEcho.cut(email));
            model.addAttribute("inviteRole", "ADMIN".equals(role) ? "ADMIN" : "MEMBER");
            response.setStatus(422);
            return page(accountId, me, browser, model);
        }
        throw new ResponseStatusException(HttpStatus.NOT_FOUND);
    }


    /** An admin invitation waiting for its sender to confirm it's them, so the form comes back as they left it. */
    record InviteDraft(UUID accountId, String email, String role) implements java.io.Serializable {
        static final String ATTRIBUTE = "gatehouse.inviteDraft";
    }
}

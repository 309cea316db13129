package dev.gatehouse.web.account;

import java.time.Clock;
import java.util.List;
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

import dev.gatehouse.account.SecurityRulesService;
import dev.gatehouse.account.InvitationService;
import dev.gatehouse.factor.sms.SmsCodeMethod;
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
import dev.gatehouse.web.TooManyRequests;
import dev.gatehouse.web.ReconfirmLinks;

/**
 * Account settings, for the account's owners and admins. Anyone else (another account's admin guessing ids
 * included) gets the same 404 as for an account that does not exist.
 */
@Controller
class AccountSettingsController {

    private final AccountAccess access;
    private final InvitationService invitations;
    private final Messages messages;
    private final SignInService signIn;
    private final MemberOverview overview;
    private final SecurityRulesService rules;
    private final SmsCodeMethod sms;
    private final Clock clock;

    AccountSettingsController(AccountAccess access, InvitationService invitations, Messages messages,
                              SignInService signIn, MemberOverview overview, SecurityRulesService rules,
                              SmsCodeMethod sms, Clock clock) {
        this.clock = clock;
        this.overview = overview;
        this.rules = rules;
        this.sms = sms;
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
        List<MemberOverview.Row> rows = overview.rows(accountId);
        MemberOverview.Compliance compliance = overview.compliance(rules.rules(accountId), rows);
        model.addAttribute("rows", rows);
        model.addAttribute("compliance", compliance);
        model.addAttribute("phoneRequired", compliance.phoneRequired());
        model.addAttribute("countries", compliance.phoneRequired() ? sms.countries() : List.of());
        model.addAttribute("invitations", invitations.pending(accountId));
        if (!model.containsAttribute("inviteErrors")) {
            // Back from "Confirm it's you" for an admin invitation: what was typed is still there.
            Optional<InviteDraft> draft = browser.takeAttribute(InviteDraft.ATTRIBUTE, InviteDraft.class)
                    .filter(d -> d.accountId().equals(accountId));
            model.addAttribute("inviteErrors", Map.of());
            model.addAttribute("inviteEmail", draft.map(InviteDraft::email).orElse(""));
            model.addAttribute("inviteRole", draft.map(InviteDraft::role).orElse("MEMBER"));
            model.addAttribute("invitePhone", draft.map(InviteDraft::phone).orElse(""));
            model.addAttribute("inviteCountry", draft.map(InviteDraft::country).orElse(""));
        }
        return "account/settings";
    }

    @PostMapping("/accounts/{accountId}/invitations")
    String invite(@PathVariable UUID accountId, @AuthenticationPrincipal SignedInUser me, @CurrentUser User user,
                  @RequestParam(defaultValue = "") String email, @RequestParam(defaultValue = "MEMBER") String role,
                  @RequestParam(defaultValue = "") String phone, @RequestParam(defaultValue = "") String phoneCountry,
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
                model.addAttribute("invitePhone", FormEcho.cut(phone));
                model.addAttribute("inviteCountry", FormEcho.cut(phoneCountry));
                model.addAttribute("confirmFirst", ReconfirmLinks.confirmLink(settings));
                browser.setAttribute(InviteDraft.ATTRIBUTE, new InviteDraft(accountId, FormEcho.cut(email), "ADMIN",
                        FormEcho.cut(phone), FormEcho.cut(phoneCountry)));
                response.setStatus(HttpServletResponse.SC_FORBIDDEN);
                return page(accountId, me, browser, model);
            }
        }
        InvitationService.Invite result = invitations.invite(accountId, user,
                email, role, phone, phoneCountry, ClientInfo.of(request));
        if (result instanceof InvitationService.Invite.Sent sent) {
            redirect.addFlashAttribute("flashSuccess", messages.get("invite.sent", sent.email()));
            return "redirect:" + settings;
        }
        if (result instanceof InvitationService.Invite.Invalid
                || result instanceof InvitationService.Invite.TooMany) {
            boolean tooMany = result instanceof InvitationService.Invite.TooMany;
            model.addAttribute("inviteErrors", tooMany
                    ? Map.of("email", messages.until(((InvitationService.Invite.TooMany) result).byAccount()
                            ? "invite.tooMany.account" : "invite.tooMany",
                            ((InvitationService.Invite.TooMany) result).until()))
                    : messages.resolve(((InvitationService.Invite.Invalid) result).problems()));
            model.addAttribute("inviteEmail", FormEcho.cut(email));
            model.addAttribute("inviteRole", "ADMIN".equals(role) ? "ADMIN" : "MEMBER");
            model.addAttribute("invitePhone", FormEcho.cut(phone));
            model.addAttribute("inviteCountry", FormEcho.cut(phoneCountry));
            if (tooMany) {
                TooManyRequests.until(response, clock.instant(), ((InvitationService.Invite.TooMany) result).until());
            } else {
                response.setStatus(422);
            }
            return page(accountId, me, browser, model);
        }
        throw new ResponseStatusException(HttpStatus.NOT_FOUND);
    }


    /**
     * Sends an open invitation again with a new link (the old one stops working). Not {@code @ConfirmFirst}: the same
     * address gets the same role that was confirmed when the invitation was first sent.
     */
    @PostMapping("/accounts/{accountId}/invitations/{invitationId}/resend")
    String resend(@PathVariable UUID accountId, @PathVariable UUID invitationId,
                  @AuthenticationPrincipal SignedInUser me, @CurrentUser User user, HttpServletRequest request,
                  RedirectAttributes redirect) {
        access.managed(accountId, me);
        InvitationService.Handling result = invitations.resend(accountId, user, invitationId, ClientInfo.of(request));
        if (result instanceof InvitationService.Handling.TooMany tooMany) {
            redirect.addFlashAttribute("flashError", messages.until(tooMany.byAccount() ? "invite.tooMany.account"
                    : "invite.tooMany", tooMany.until()));
            return "redirect:/accounts/" + accountId + "/settings";
        }
        if (!(result instanceof InvitationService.Handling.Done done)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND);
        }
        redirect.addFlashAttribute("flashSuccess", messages.get("members.invitation.resent", done.email()));
        return "redirect:/accounts/" + accountId + "/settings";
    }

    /** Takes an open invitation back. Not {@code @ConfirmFirst}: it only takes away. */
    @PostMapping("/accounts/{accountId}/invitations/{invitationId}/revoke")
    String revoke(@PathVariable UUID accountId, @PathVariable UUID invitationId,
                  @AuthenticationPrincipal SignedInUser me, @CurrentUser User user, HttpServletRequest request,
                  RedirectAttributes redirect) {
        access.managed(accountId, me);
        InvitationService.Handling result = invitations.revoke(accountId, user, invitationId, ClientInfo.of(request));
        if (!(result instanceof InvitationService.Handling.Done done)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND);
        }
        redirect.addFlashAttribute("flashSuccess", messages.get("members.invitation.revoked", done.email()));
        return "redirect:/accounts/" + accountId + "/settings";
    }

    /** An admin invitation waiting for its sender to confirm it's them, so the form comes back as they left it. */
    record InviteDraft(UUID accountId, String email, String role, String phone, String country)
            implements java.io.Serializable {
        static final String ATTRIBUTE = "gatehouse.inviteDraft";
    }
}

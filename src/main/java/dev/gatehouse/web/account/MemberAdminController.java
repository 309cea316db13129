package dev.gatehouse.web.account;

import java.util.Arrays;
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

import dev.gatehouse.account.AccountService;
import dev.gatehouse.account.Member;
import dev.gatehouse.account.MemberService;
import dev.gatehouse.account.Membership;
import dev.gatehouse.account.Role;
import dev.gatehouse.signin.SignedInUser;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.user.User;
import dev.gatehouse.web.ConfirmFirst;
import dev.gatehouse.web.CurrentUser;
import dev.gatehouse.web.Messages;

/**
 * An owner or admin changes a member's role or removes them, each from a page that names the member and says what
 * happens, after confirming it's them (a role is power over the account; removing someone can leave it to one person).
 * Owners change anything; admins move people between member and admin only and never touch an owner; the last owner
 * stays. A member of the account gets the "only for admins" page, anyone else (and any member id not in this account)
 * a 404.
 */
@Controller
class MemberAdminController {

    static final String ROLE_PAGE = "/accounts/{accountId}/members/{userId}/role";
    static final String REMOVE_PAGE = "/accounts/{accountId}/members/{userId}/remove";

    private final AccountService accounts;
    private final AccountAccess access;
    private final MemberService members;
    private final Messages messages;

    MemberAdminController(AccountService accounts, AccountAccess access, MemberService members, Messages messages) {
        this.accounts = accounts;
        this.access = access;
        this.members = members;
        this.messages = messages;
    }

    @ConfirmFirst
    @GetMapping(ROLE_PAGE)
    String rolePage(@PathVariable UUID accountId, @PathVariable UUID userId, @AuthenticationPrincipal SignedInUser me,
                    Model model, RedirectAttributes redirect) {
        Membership managing = access.managed(accountId, me);
        Member member = member(accountId, userId);
        if (member.role() == Role.OWNER && managing.role() != Role.OWNER) {
            redirect.addFlashAttribute("flashError", messages.get("members.role.ownersOnly"));
            return "redirect:/accounts/" + accountId + "/settings";
        }
        return rolePage(managing, member, member.role().name(), Map.of(), model);
    }

    @ConfirmFirst(next = ROLE_PAGE)
    @PostMapping(ROLE_PAGE)
    String changeRole(@PathVariable UUID accountId, @PathVariable UUID userId,
                      @AuthenticationPrincipal SignedInUser me, @CurrentUser User user,
                      @RequestParam(defaultValue = "") String role, HttpServletRequest request,
                      HttpServletResponse response, RedirectAttributes redirect, Model model) {
        Membership managing = access.managed(accountId, me);
        Member member = member(accountId, userId);
        MemberService.Change result = members.changeRole(accountId, user, userId, role, ClientInfo.of(request));
        if (result instanceof MemberService.Change.Done done) {
            redirect.addFlashAttribute("flashSuccess", messages.get("members.role.changed",
                    done.member().displayName(), messages.get("role." + done.member().role())));
            return "redirect:/accounts/" + accountId + "/settings#member-" + userId;
        }
        if (result instanceof MemberService.Change.Unchanged unchanged) {
            redirect.addFlashAttribute("flashSuccess", messages.get("members.role.unchanged",
                    unchanged.member().displayName()));
            return "redirect:/accounts/" + accountId + "/settings#member-" + userId;
        }
        if (result instanceof MemberService.Change.InvalidRole) {
            // A tampered form: nothing changed, and the page says to choose one of the roles offered.
            response.setStatus(422);
            return rolePage(managing, member, member.role().name(),
                    Map.of("role", messages.get("invite.role.invalid")), model);
        }
        if (result instanceof MemberService.Change.Refused refused) {
            response.setStatus(HttpServletResponse.SC_CONFLICT);
            return rolePage(managing, member, role, Map.of("role", messages.get(refused.reasonKey())), model);
        }
        throw new ResponseStatusException(HttpStatus.NOT_FOUND);
    }

    @ConfirmFirst
    @GetMapping(REMOVE_PAGE)
    String removePage(@PathVariable UUID accountId, @PathVariable UUID userId,
                      @AuthenticationPrincipal SignedInUser me, Model model, RedirectAttributes redirect) {
        Membership managing = access.managed(accountId, me);
        Member member = member(accountId, userId);
        Optional<String> refusal = MemberService.removalRefusal(managing.role(), me.userId(), member);
        if (refusal.isPresent()) {
            redirect.addFlashAttribute("flashError", messages.get(refusal.get()));
            return "redirect:/accounts/" + accountId + "/settings";
        }
        model.addAttribute("membership", managing);
        model.addAttribute("member", member);
        return "account/member-remove";
    }

    @ConfirmFirst(next = REMOVE_PAGE)
    @PostMapping(REMOVE_PAGE)
    String remove(@PathVariable UUID accountId, @PathVariable UUID userId, @AuthenticationPrincipal SignedInUser me,
                  @CurrentUser User user, HttpServletRequest request, HttpServletResponse response,
                  RedirectAttributes redirect, Model model) {
        Membership managing = access.managed(accountId, me);
        Member member = member(accountId, userId);
        MemberService.Change result = members.remove(accountId, user, userId, ClientInfo.of(request));
        if (result instanceof MemberService.Change.Done) {
            redirect.addFlashAttribute("flashSuccess", messages.get("members.removed", member.displayName()));
            return "redirect:/accounts/" + accountId + "/settings";
        }
        if (result instanceof MemberService.Change.Refused refused) {
            response.setStatus(HttpServletResponse.SC_CONFLICT);
            model.addAttribute("membership", managing);
            model.addAttribute("member", member);
            model.addAttribute("error", messages.get(refused.reasonKey()));
            return "account/member-remove";
        }
        throw new ResponseStatusException(HttpStatus.NOT_FOUND);
    }

    /** The role form: the roles {@code managing} may give, the chosen one selected, and what is wrong (by field). */
    private String rolePage(Membership managing, Member member, String chosen, Map<String, String> errors,
                            Model model) {
        List<Role> offered = Arrays.stream(Role.values())
                .filter(r -> MemberService.roleRefusal(managing.role(), member, r).isEmpty()).toList();
        model.addAttribute("membership", managing);
        model.addAttribute("member", member);
        model.addAttribute("roles", offered);
        model.addAttribute("chosen", chosen);
        model.addAttribute("errors", errors);
        return "account/member-role";
    }

    private Member member(UUID accountId, UUID userId) {
        return accounts.member(accountId, userId).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
    }
}

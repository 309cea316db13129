package dev.gatehouse.web.account;

import java.util.Optional;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.gatehouse.account.AccountService;
import dev.gatehouse.account.Member;
import dev.gatehouse.account.Membership;
import dev.gatehouse.factor.FactorService;
import dev.gatehouse.signin.SignedInUser;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.user.User;
import dev.gatehouse.user.UserService;
import dev.gatehouse.web.ConfirmFirst;
import dev.gatehouse.web.CurrentUser;
import dev.gatehouse.web.Messages;

/**
 * An owner or admin resets a member's two-step verification: the way back in that the lockout page promises. Asks to
 * confirm it's you, then shows what will happen before doing it. Admins reset members and admins; only an owner
 * resets an owner (an admin must not be able to weaken the protection of the people above them). Nobody resets
 * themselves here. Anyone not managing the account, or a member id not in it, gets a 404.
 */
@Controller
class MemberResetController {

    static final String PAGE = "/accounts/{accountId}/members/{userId}/reset-two-factor";

    private final AccountService accounts;
    private final AccountAccess access;
    private final FactorService factors;
    private final UserService users;
    private final Messages messages;
    private final TransactionTemplate tx;

    MemberResetController(AccountService accounts, AccountAccess access, FactorService factors, UserService users,
                          Messages messages, TransactionTemplate tx) {
        this.tx = tx;
        this.accounts = accounts;
        this.access = access;
        this.factors = factors;
        this.users = users;
        this.messages = messages;
    }

    @ConfirmFirst
    @GetMapping(PAGE)
    String confirm(@PathVariable UUID accountId, @PathVariable UUID userId, @AuthenticationPrincipal SignedInUser me,
                   Model model, RedirectAttributes redirect) {
        Optional<Target> target = target(accountId, userId, me, redirect);
        if (target.isEmpty()) {
            return "redirect:/accounts/" + accountId + "/settings";
        }
        model.addAttribute("membership", target.get().managing());
        model.addAttribute("member", target.get().member());
        return "account/reset-two-factor";
    }

    @ConfirmFirst(next = PAGE)
    @PostMapping(PAGE)
    String reset(@PathVariable UUID accountId, @PathVariable UUID userId, @AuthenticationPrincipal SignedInUser me,
                 @CurrentUser User admin, HttpServletRequest request, RedirectAttributes redirect) {
        // The checks and the reset under the account's lock, which role changes and removals take first: a member
        // made an owner, or an admin removed, at the same moment is seen by the checks or comes after the reset
        // (found by reading, stop 31's race attacker).
        return tx.execute(status -> {
            accounts.lockForChange(accountId);
            Optional<Target> target = target(accountId, userId, me, redirect);
            if (target.isEmpty()) {
                return "redirect:/accounts/" + accountId + "/settings";
            }
            User member = users.findById(userId).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
            factors.resetByAdmin(member, admin, accountId, target.get().managing().accountName(),
                    ClientInfo.of(request));
            redirect.addFlashAttribute("flashSuccess", messages.get("reset.done",
                    target.get().member().displayName()));
            return "redirect:/accounts/" + accountId + "/settings";
        });
    }

    /** Who resets whom. */
    private record Target(Membership managing, Member member) {
    }

    /**
     * The member to reset and the membership that allows it; empty (with the reason flashed) when it is not allowed.
     * A 404 when the account is not managed by {@code me} or the member is not in it.
     */
    private Optional<Target> target(UUID accountId, UUID userId, SignedInUser me, RedirectAttributes redirect) {
        Membership managing = access.managed(accountId, me);
        Member member = member(accountId, userId);
        Optional<String> refusal = refusal(managing, member, me);
        refusal.ifPresent(key -> redirect.addFlashAttribute("flashError", messages.get(key)));
        return refusal.isPresent() ? Optional.empty() : Optional.of(new Target(managing, member));
    }

    private Optional<String> refusal(Membership managing, Member member, SignedInUser me) {
        if (member.userId().equals(me.userId())) {
            return Optional.of("reset.self");
        }
        return accounts.resetRefusal(member, managing.role())
                .map(r -> r == AccountService.ResetRefusal.OTHER_ACCOUNTS ? "reset.otherAccounts" : "reset.notAllowed");
    }

    private Member member(UUID accountId, UUID userId) {
        return accounts.members(accountId).stream().filter(m -> m.userId().equals(userId)).findFirst()
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
    }

}

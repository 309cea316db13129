package dev.gatehouse.web.account;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

import dev.gatehouse.account.AccountService;
import dev.gatehouse.account.Member;
import dev.gatehouse.account.Membership;
import dev.gatehouse.audit.ActivityKind;
import dev.gatehouse.audit.ActivityPage;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.signin.SignedInUser;
import dev.gatehouse.web.ActivityLinks;

/**
 * Account > Activity ({@code /accounts/{id}/activity}), for its owners and admins: what happened on the account and
 * its members' own security events ({@link AuditLog#accountActivity} says which), 25 a page, filtered by kind and by
 * member. A member of the account gets the 403 "only admins" page; anyone else the 404 of an account that does not
 * exist. A member id that is not a current member of this account is a 404 too, so no id from elsewhere shows
 * anything.
 */
@Controller
class AccountActivityController {

    static final int PAGE_SIZE = 25;

    private final AccountAccess access;
    private final AccountService accounts;
    private final AuditLog audit;

    AccountActivityController(AccountAccess access, AccountService accounts, AuditLog audit) {
        this.access = access;
        this.accounts = accounts;
        this.audit = audit;
    }

    @GetMapping("/accounts/{accountId}/activity")
    String page(@PathVariable UUID accountId, @AuthenticationPrincipal SignedInUser me,
                @RequestParam(required = false) String kind, @RequestParam(required = false) String member,
                @RequestParam(required = false) String older, @RequestParam(required = false) String newer,
                Model model) {
        Membership membership = access.managed(accountId, me);
        List<Member> members = accounts.members(accountId);
        Map<UUID, Member> byId = new LinkedHashMap<>();
        members.forEach(m -> byId.put(m.userId(), m));
        UUID chosenMember = null;
        if (member != null && !member.isBlank()) {
            chosenMember = parse(member).filter(byId::containsKey)
                    .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        }
        ActivityKind chosen = ActivityKind.parse(kind).orElse(null);
        ActivityPage.Cursor from = ActivityPage.Cursor.parse(older)
                .or(() -> ActivityPage.Cursor.parse(newer)).orElse(null);
        boolean towardsNewer = from != null && ActivityPage.Cursor.parse(older).isEmpty();
        ActivityPage page = audit.accountActivity(accountId, chosenMember, chosen, from, towardsNewer, PAGE_SIZE);
        model.addAttribute("membership", membership);
        model.addAttribute("page", page);
        model.addAttribute("members", byId);
        model.addAttribute("kinds", ActivityKind.choosable());
        model.addAttribute("kind", chosen == null ? "" : chosen.param());
        model.addAttribute("member", chosenMember == null ? "" : chosenMember.toString());
        model.addAttribute("pages", ActivityLinks.of("/accounts/" + accountId + "/activity", page, chosen,
                chosenMember, from == null));
        return "account/activity";
    }

    private static Optional<UUID> parse(String id) {
        try {
            return Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}

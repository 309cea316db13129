package dev.gatehouse.web.settings;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

import dev.gatehouse.audit.ActivityKind;
import dev.gatehouse.audit.ActivityPage;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.signin.SignedInUser;
import dev.gatehouse.web.ActivityLinks;

/**
 * Settings > Security > all activity ({@code /settings/activity}): the user's own events, 25 a page, newest first,
 * filtered by kind. "Older" and "Newer" are plain links carrying the event the next page starts from; an unknown
 * kind or a changed starting point shows the newest page of every kind, never anything but the user's own events.
 */
@Controller
class ActivityController {

    static final int PAGE_SIZE = 25;

    private final AuditLog audit;

    ActivityController(AuditLog audit) {
        this.audit = audit;
    }

    @GetMapping("/settings/activity")
    String page(@AuthenticationPrincipal SignedInUser me, @RequestParam(required = false) String kind,
                @RequestParam(required = false) String older, @RequestParam(required = false) String newer,
                Model model) {
        ActivityKind chosen = ActivityKind.parse(kind).orElse(null);
        ActivityPage.Cursor from = ActivityPage.Cursor.parse(older)
                .or(() -> ActivityPage.Cursor.parse(newer)).orElse(null);
        boolean towardsNewer = from != null && ActivityPage.Cursor.parse(older).isEmpty();
        ActivityPage page = audit.userActivity(me.userId(), chosen, from, towardsNewer, PAGE_SIZE);
        model.addAttribute("page", page);
        model.addAttribute("kinds", ActivityKind.choosable());
        model.addAttribute("kind", chosen == null ? "" : chosen.param());
        model.addAttribute("pages", ActivityLinks.of("/settings/activity", page, chosen, null, from == null));
        return "settings/activity";
    }
}

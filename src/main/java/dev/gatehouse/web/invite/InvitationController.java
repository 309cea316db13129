package dev.gatehouse.web.invite;

import java.util.Map;
import java.util.Optional;

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

import dev.gatehouse.account.InvitationService.Acceptance;
import dev.gatehouse.account.InvitationService;
import dev.gatehouse.signin.BrowserSession;
import dev.gatehouse.signin.SignInService;
import dev.gatehouse.signin.SignedInUser;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.user.User;
import dev.gatehouse.web.CurrentUser;
import dev.gatehouse.web.FormEcho;
import dev.gatehouse.web.Messages;

/**
 * The link in an invitation email. {@code /invite/{token}} is public; {@code /invite/{token}/join} needs a signed-in
 * user, so a known user who follows the link is sent through sign-in and comes back to it.
 */
@Controller
class InvitationController {

    private final InvitationService invitations;
    private final SignInService signIn;
    private final Messages messages;

    InvitationController(InvitationService invitations, SignInService signIn, Messages messages) {
        this.invitations = invitations;
        this.signIn = signIn;
        this.messages = messages;
    }

    @GetMapping("/invite/{token}")
    String show(@PathVariable String token, @AuthenticationPrincipal SignedInUser me, Model model,
                HttpServletResponse response) {
        Optional<InvitationService.Invitation> invitation = invitations.find(token);
        if (invitation.isEmpty()) {
            response.setStatus(404);
            return "invite/invalid";
        }
        model.addAttribute("invitation", invitation.get());
        model.addAttribute("token", token);
        model.addAttribute("displayName", "");
        model.addAttribute("errors", Map.of());
        return "invite/show";
    }

    @PostMapping("/invite/{token}")
    String acceptAsNewUser(@PathVariable String token, @RequestParam(defaultValue = "") String displayName,
                           @RequestParam(defaultValue = "") String password, BrowserSession browser, HttpServletRequest request,
                           HttpServletResponse response, Model model, RedirectAttributes redirect) {
        Acceptance result = invitations.acceptAsNewUser(token, displayName, password, ClientInfo.of(request));
        if (result instanceof Acceptance.Joined joined) {
            signIn.signInNewUser(joined.user(), browser);
            redirect.addFlashAttribute("joinedAccount", joined.accountName());
            return "redirect:/settings/security?joined";
        }
        if (result instanceof Acceptance.Invalid invalid) {
            model.addAttribute("invitation", invitations.find(token).orElseThrow());
            model.addAttribute("token", token);
            model.addAttribute("displayName", FormEcho.cut(displayName));
            model.addAttribute("errors", messages.resolve(invalid.problems()));
            response.setStatus(422);
            return "invite/show";
        }
        if (result instanceof Acceptance.SignInFirst) {
            return "redirect:/invite/" + token + "/join";
        }
        response.setStatus(404);
        return "invite/invalid";
    }

    @GetMapping("/invite/{token}/join")
    String joinPage(@PathVariable String token) {
        return "redirect:/invite/" + token;
    }

    @PostMapping("/invite/{token}/join")
    String join(@PathVariable String token, @CurrentUser User user, HttpServletRequest request,
                HttpServletResponse response, RedirectAttributes redirect, Model model) {
        Acceptance result = invitations.acceptAsExistingUser(token, user, ClientInfo.of(request));
        if (result instanceof Acceptance.Joined joined) {
            redirect.addFlashAttribute("flashSuccess", messages.get("invite.joined.named", joined.accountName()));
            return "redirect:/settings/security";
        }
        if (result instanceof Acceptance.WrongUser wrong) {
            model.addAttribute("wrongUser", wrong.invitedEmail());
        }
        response.setStatus(result instanceof Acceptance.WrongUser ? 403 : 404);
        return "invite/invalid";
    }
}

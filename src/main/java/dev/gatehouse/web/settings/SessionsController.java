package dev.gatehouse.web.settings;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.gatehouse.signin.BrowserSession;
import dev.gatehouse.signin.SignInService;
import dev.gatehouse.signin.SignedInUser;
import dev.gatehouse.web.Messages;

/**
 * Security tab > Sessions: "Sign out" of one other session. No re-confirmation, like "Sign out everywhere" and removing
 * a trusted device: it only takes access away, and a user who sees a session that is not theirs must end it at once.
 * The session is named by the handle the list gave it (never its id), looked up among this user's sessions only.
 */
@Controller
class SessionsController {

    private final SignInService signIn;
    private final Messages messages;

    SessionsController(SignInService signIn, Messages messages) {
        this.signIn = signIn;
        this.messages = messages;
    }

    @PostMapping("/settings/sessions/sign-out")
    String signOut(@AuthenticationPrincipal SignedInUser me, @RequestParam(defaultValue = "") String session,
                   BrowserSession browser, RedirectAttributes redirect) {
        if (!signIn.signOutSession(me, session, browser)) {
            // Another user's handle, this session's own, one already ended or made up: the same answer, nothing ends.
            throw new ResponseStatusException(HttpStatus.NOT_FOUND);
        }
        redirect.addFlashAttribute("flashSuccess", messages.get("sessions.signedOut"));
        return "redirect:/settings/security#sessions";
    }
}

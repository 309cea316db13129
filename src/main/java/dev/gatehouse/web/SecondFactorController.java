package dev.gatehouse.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

import dev.gatehouse.factor.FactorType;
import dev.gatehouse.signin.PendingSignIn;
import dev.gatehouse.signin.SecondFactorStep;
import dev.gatehouse.signin.SignInService;

/**
 * The second sign-in step. Public in the security rules (the session is not signed in yet), but it only does
 * anything for a session holding a pending sign-in, and the user comes from that, never from the form.
 */
@Controller
class SecondFactorController {

    private final SignInService signIn;
    private final Messages messages;
    private final Clock clock;

    SecondFactorController(SignInService signIn, Messages messages, Clock clock) {
        this.signIn = signIn;
        this.messages = messages;
        this.clock = clock;
    }

    @GetMapping("/signin/verify")
    String form(HttpServletRequest request, HttpServletResponse response, Model model) {
        Optional<PendingSignIn> pending = signIn.pending(request);
        if (pending.isEmpty()) {
            return "redirect:/signin?expired";
        }
        // A locked user learns the wait on opening the page, not only after typing a code that cannot pass.
        signIn.codeEntryBlocked(pending.get().userId()).ifPresent(step -> describe(step, model, response));
        return "signin/verify";
    }

    @PostMapping("/signin/verify")
    String submit(@RequestParam(defaultValue = "") String code, HttpServletRequest request,
                  HttpServletResponse response, Model model) {
        SecondFactorStep step = signIn.secondFactor(FactorType.TOTP, code, request, response);
        if (step instanceof SecondFactorStep.SignedIn) {
            return "redirect:/settings/security";
        }
        if (step instanceof SecondFactorStep.NoPendingSignIn) {
            return "redirect:/signin?expired";
        }
        describe(step, model, response);
        return "signin/verify";
    }

    /** Puts the words for a failed code step into the model; shared with re-confirmation. */
    void describe(SecondFactorStep step, Model model, HttpServletResponse response) {
        if (step instanceof SecondFactorStep.WrongCode wrong) {
            model.addAttribute("error", wrong.remaining() > 0 && wrong.remaining() <= 3
                    ? messages.get("code.wrong.remaining", wrong.remaining()) : messages.get("code.wrong"));
            response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        } else if (step instanceof SecondFactorStep.Locked locked) {
            model.addAttribute("locked", true);
            model.addAttribute("error", messages.get("code.locked", minutesUntil(locked.until()),
                    java.time.format.DateTimeFormatter.ofPattern("HH:mm").withZone(java.time.ZoneOffset.UTC)
                            .format(locked.until())));
            response.setStatus(429);
        } else if (step instanceof SecondFactorStep.Suspended) {
            model.addAttribute("locked", true);
            model.addAttribute("error", messages.get("code.suspended"));
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        }
    }

    private long minutesUntil(Instant until) {
        long seconds = Duration.between(clock.instant(), until).getSeconds();
        return Math.max(1, (seconds + 59) / 60);
    }
}

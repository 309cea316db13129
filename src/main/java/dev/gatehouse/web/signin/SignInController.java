package dev.gatehouse.web.signin;


import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

import dev.gatehouse.signin.BrowserSession;
import dev.gatehouse.signin.SignInService;
import dev.gatehouse.user.UserDetails;
import dev.gatehouse.web.Messages;
import dev.gatehouse.web.TooManyRequests;
import dev.gatehouse.web.ReturnPageCache;

@Controller
class SignInController {

    private final SignInService signIn;
    private final ReturnPageCache requestCache;
    private final Messages messages;
    private final UserDetails details;
    private final java.time.Clock clock;

    SignInController(SignInService signIn, ReturnPageCache requestCache, Messages messages, UserDetails details,
                     java.time.Clock clock) {
        this.clock = clock;
        this.details = details;
        this.signIn = signIn;
        this.requestCache = requestCache;
        this.messages = messages;
    }

    @GetMapping("/")
    String home(Model model) {
        return model.getAttribute("currentUser") != null ? "redirect:/settings/security" : "redirect:/signin";
    }

    @GetMapping("/signin")
    String form(Model model) {
        if (model.getAttribute("currentUser") != null) {
            return "redirect:/settings/security";
        }
        model.addAttribute("email", "");
        return "signin/password";
    }

    @PostMapping("/signin")
    String submit(@RequestParam(defaultValue = "") String email, @RequestParam(defaultValue = "") String password,
                  @RequestParam(defaultValue = "") String timeZone,
                  BrowserSession browser, HttpServletRequest request, HttpServletResponse response, Model model) {
        SignInService.PasswordStep step = signIn.password(email, password, browser);
        // The browser's zone (js/time-zone.js) becomes the user's when they have none; only after the password.
        if (step instanceof SignInService.PasswordStep.SignedIn signedIn) {
            details.rememberBrowserZone(signedIn.user().userId(), timeZone);
            return "redirect:" + requestCache.continueTo(request, response);
        }
        if (step instanceof SignInService.PasswordStep.SecondFactorRequired required) {
            details.rememberBrowserZone(required.pending().userId(), timeZone);
            return "redirect:/signin/verify";
        }
        model.addAttribute("email", email.length() > 320 ? "" : email.strip());
        if (step instanceof SignInService.PasswordStep.Paused paused) {
            model.addAttribute("error", messages.until("tz.password.paused", paused.until()));
            TooManyRequests.until(response, clock.instant(), paused.until());
        } else if (step instanceof SignInService.PasswordStep.NetworkPaused paused) {
            model.addAttribute("error", messages.until("tz.password.networkPaused", paused.until()));
            TooManyRequests.until(response, clock.instant(), paused.until());
        } else {
            model.addAttribute("error", messages.get("signin.rejected"));
            response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        }
        return "signin/password";
    }
}

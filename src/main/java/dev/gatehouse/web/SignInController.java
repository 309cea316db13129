package dev.gatehouse.web;

import java.net.URI;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.web.savedrequest.SavedRequest;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

import dev.gatehouse.signin.SignInService;

@Controller
class SignInController {

    private final SignInService signIn;
    private final ReturnPageCache requestCache;
    private final Messages messages;
    private final java.time.Clock clock;

    SignInController(SignInService signIn, ReturnPageCache requestCache, Messages messages,
                     java.time.Clock clock) {
        this.clock = clock;
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
                  HttpServletRequest request, HttpServletResponse response, Model model) {
        SignInService.PasswordStep step = signIn.password(email, password, request, response);
        if (step instanceof SignInService.PasswordStep.SignedIn) {
            return "redirect:" + continueTo(request, response);
        }
        if (step instanceof SignInService.PasswordStep.SecondFactorRequired) {
            return "redirect:/signin/verify";
        }
        model.addAttribute("email", email.length() > 320 ? "" : email.strip());
        if (step instanceof SignInService.PasswordStep.Paused paused) {
            model.addAttribute("error", messages.until("password.paused", paused.until()));
            response.setStatus(429);
        } else if (step instanceof SignInService.PasswordStep.NetworkPaused paused) {
            model.addAttribute("error", messages.until("password.networkPaused", paused.until()));
            response.setStatus(429);
            response.setHeader("Retry-After", String.valueOf(Math.max(1,
                    java.time.Duration.between(clock.instant(), paused.until()).toSeconds())));
        } else {
            model.addAttribute("error", messages.get("signin.rejected"));
            response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        }
        return "signin/password";
    }

    /** The page that sent the user to sign in (always on this server), or the Security page. */
    private String continueTo(HttpServletRequest request, HttpServletResponse response) {
        SavedRequest saved = requestCache.getRequest(request, response);
        requestCache.removeRequest(request, response);
        // Only GETs are ever saved (SecurityConfiguration#requestCache); the cookie's saved request reports the
        // method of the request reading it, so it is not asked here.
        if (saved != null) {
            try {
                URI uri = new URI(saved.getRedirectUrl());
                if (request.getServerName().equalsIgnoreCase(uri.getHost()) && uri.getRawPath() != null
                        && uri.getRawPath().startsWith("/") && !uri.getRawPath().startsWith("//")) {
                    return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
                }
            } catch (java.net.URISyntaxException malformed) {
                // The cookie came back from the client changed: the default page it is.
            }
        }
        return "/settings/security";
    }
}

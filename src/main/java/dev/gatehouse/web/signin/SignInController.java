package dev.gatehouse.web.signin;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

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
    private final RegisteredClientRepository clients;
    private final java.time.Clock clock;

    /** Spring Authorization Server's, not changed (AuthorizationServerSecurity). */
    private static final String AUTHORIZATION_ENDPOINT = "/oauth2/authorize";

    SignInController(SignInService signIn, ReturnPageCache requestCache, Messages messages, UserDetails details,
                     RegisteredClientRepository clients, java.time.Clock clock) {
        this.clients = clients;
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
    String form(HttpServletRequest request, HttpServletResponse response, Model model) {
        if (model.getAttribute("currentUser") != null) {
            return "redirect:/settings/security";
        }
        model.addAttribute("email", "");
        // Sent here by a page or an application: say so, and name the application (a first-time user opened a link
        // to a page and met a bare sign-in form, as if signed out by mistake).
        requestCache.waiting(request, response).ifPresent(page ->
                model.addAttribute("continueTo", applicationAsking(page).orElse("")));
        return "signin/password";
    }

    /** The name of the registered application whose authorization request waits, when that is what waits. */
    private Optional<String> applicationAsking(URI page) {
        if (!AUTHORIZATION_ENDPOINT.equals(page.getRawPath())) {
            return Optional.empty();
        }
        String clientId = UriComponentsBuilder.fromUri(page).build().getQueryParams().getFirst("client_id");
        if (clientId == null || clientId.isBlank() || clientId.length() > 200) {
            return Optional.empty();
        }
        try {
            RegisteredClient client = clients.findByClientId(UriUtils.decode(clientId, StandardCharsets.UTF_8));
            return Optional.ofNullable(client).map(RegisteredClient::getClientName).filter(name -> !name.isBlank());
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
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

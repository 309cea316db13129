package dev.gatehouse.web.signin;

import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

import dev.gatehouse.oidc.AccountClients;
import dev.gatehouse.oidc.OidcClients;
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
    private final AccountClients accountClients;
    /** Spring Authorization Server's, or its default where none is configured (a page slice). */
    private final String authorizationEndpoint;
    private final java.time.Clock clock;

    SignInController(SignInService signIn, ReturnPageCache requestCache, Messages messages, UserDetails details,
                     RegisteredClientRepository clients, AccountClients accountClients,
                     ObjectProvider<AuthorizationServerSettings> authorizationEndpoint, java.time.Clock clock) {
        this.clients = clients;
        this.accountClients = accountClients;
        this.authorizationEndpoint = authorizationEndpoint
                .getIfAvailable(() -> AuthorizationServerSettings.builder().build()).getAuthorizationEndpoint();
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
        // Sent here by a page or an application: say so (a first-time user opened a link to a page and met a bare
        // sign-in form, as if signed out by mistake).
        continueTo(request, response).ifPresent(words -> model.addAttribute("continueTo", words));
        return "signin/password";
    }

    /**
     * What the sign-in page says of the page or application waiting for this sign-in. An application is named only
     * when the deployment registered it (in code, with a callback it registered): an account's application has a name
     * any account owner chose, and shown on this page to everyone it would have been text of the owner's choosing on
     * Gatehouse's own sign-in page (found by stop 37's review), while it serves its own members only.
     */
    private Optional<String> continueTo(HttpServletRequest request, HttpServletResponse response) {
        return requestCache.waiting(request, response).map(page ->
                ReturnPageCache.authorizationIn(page, authorizationEndpoint).map(this::application)
                        .orElseGet(() -> messages.get("signin.toContinue")));
    }

    /** The words for an application's waiting authorization request: its name only when the deployment's. */
    private String application(ReturnPageCache.WaitingAuthorization waiting) {
        RegisteredClient client = clients.findByClientId(waiting.clientId());
        boolean deployments = client != null
                && OidcClients.registeredRedirect(client, waiting.redirectUri()).isPresent()
                && accountClients.accountOfStored(client.getId()).isEmpty();
        return deployments && !client.getClientName().isBlank()
                ? messages.get("signin.toContinueTo", client.getClientName())
                : messages.get("signin.toContinueToApplication");
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

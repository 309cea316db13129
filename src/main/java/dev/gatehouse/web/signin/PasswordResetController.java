package dev.gatehouse.web.signin;

import java.time.Clock;
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

import dev.gatehouse.factor.FactorService;
import dev.gatehouse.signin.BrowserSession;
import dev.gatehouse.signin.SignInService;
import dev.gatehouse.signin.SignedInUser;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.user.PasswordResets;
import dev.gatehouse.user.UserService;
import dev.gatehouse.web.FormEcho;
import dev.gatehouse.web.Messages;
import dev.gatehouse.web.TooManyRequests;
import dev.gatehouse.web.ReturnPageCache;

/**
 * "Forgot password?". The emailed link is kept in the session and the address bar moves to {@code /signin/reset},
 * so the token is not left in the browser's history or a Referer. A user with a second factor passes it first, on
 * the usual second-step pages (the link stands for the password), and comes back here signed in; only then is the
 * new password asked for, and until it is chosen that session reaches nothing else ({@code NewPasswordFirstInterceptor},
 * {@link SignInService#newPasswordDue}). A reset never signs anyone in by itself.
 */
@Controller
class PasswordResetController {

    /** Session attribute: the reset link this browser opened. */
    static final String LINK = "gatehouse.resetLink";

    private final PasswordResets resets;
    private final UserService users;
    private final FactorService factors;
    private final SignInService signIn;
    private final ReturnPageCache returnPage;
    private final Messages messages;
    private final Clock clock;

    PasswordResetController(PasswordResets resets, UserService users, FactorService factors, SignInService signIn,
                            ReturnPageCache returnPage, Messages messages, Clock clock) {
        this.clock = clock;
        this.resets = resets;
        this.users = users;
        this.factors = factors;
        this.signIn = signIn;
        this.returnPage = returnPage;
        this.messages = messages;
    }

    @GetMapping("/signin/forgot")
    String forgotForm(Model model) {
        model.addAttribute("email", "");
        return "signin/forgot";
    }

    @PostMapping("/signin/forgot")
    String forgot(@RequestParam(defaultValue = "") String email, HttpServletRequest request,
                  HttpServletResponse response, Model model) {
        PasswordResets.Request result = resets.requestAnsweredAtOnce(email, ClientInfo.of(request));
        model.addAttribute("email", FormEcho.cut(email));
        if (result instanceof PasswordResets.Request.TooMany tooMany) {
            model.addAttribute("error", messages.until("tz.pwreset.tooMany", tooMany.until()));
            TooManyRequests.until(response, clock.instant(), tooMany.until());
            return "signin/forgot";
        }
        model.addAttribute("sent", true);
        return "signin/forgot";
    }

    /**
     * The emailed link. For a user with a second factor it only shows a "Continue" button: starting the second step
     * renews the session, which a plain GET (a crafted navigation, a link scanner) must not be able to do.
     */
    @GetMapping("/signin/reset/{token}")
    String link(@PathVariable String token, @AuthenticationPrincipal SignedInUser me, BrowserSession browser,
                HttpServletResponse response, Model model) {
        Optional<PasswordResets.Link> link = resets.find(token);
        if (link.isEmpty()) {
            return expired(response);
        }
        if (secondStepDue(link.get(), me)) {
            model.addAttribute("token", token);
            return "signin/reset-continue";
        }
        browser.setAttribute(LINK, token);
        return "redirect:/signin/reset";
    }

    /** "Continue": the link kept in the session, then on to the second step (when the user has one) or the form. */
    @PostMapping("/signin/reset/{token}")
    String start(@PathVariable String token, @AuthenticationPrincipal SignedInUser me, BrowserSession browser,
                 HttpServletRequest request, HttpServletResponse response) {
        Optional<PasswordResets.Link> link = resets.find(token);
        if (link.isEmpty()) {
            return expired(response);
        }
        if (secondStepDue(link.get(), me)) {
            signIn.awaitSecondFactorForReset(users.findById(link.get().userId()).orElseThrow(), browser);
            browser.setAttribute(LINK, token);
            returnPage.returnTo("/signin/reset", request, response);
            return "redirect:/signin/verify";
        }
        browser.setAttribute(LINK, token);
        return "redirect:/signin/reset";
    }

    @GetMapping("/signin/reset")
    String form(@AuthenticationPrincipal SignedInUser me, BrowserSession browser, HttpServletResponse response,
                Model model) {
        Optional<PasswordResets.Link> link = usableLink(browser, me);
        if (link.isEmpty()) {
            return expired(response);
        }
        model.addAttribute("errors", Map.of());
        return showForm(link.get(), browser, model);
    }

    /**
     * The form, naming the account it sets the password of (so a link someone else sent cannot pass for one's own);
     * to a session signed in by the link, it also says why every other page sends it back here
     * ({@code newPasswordFirst}, from {@code CurrentUserAdvice}).
     */
    private String showForm(PasswordResets.Link link, BrowserSession browser, Model model) {
        model.addAttribute("resetEmail", users.findById(link.userId()).map(u -> u.email()).orElse(""));
        return "signin/reset";
    }

    @PostMapping("/signin/reset")
    String reset(@RequestParam(defaultValue = "") String newPassword,
                 @RequestParam(defaultValue = "") String confirmPassword, @AuthenticationPrincipal SignedInUser me,
                 BrowserSession browser, HttpServletRequest request, HttpServletResponse response, Model model,
                 RedirectAttributes redirect) {
        Optional<PasswordResets.Link> link = usableLink(browser, me);
        if (link.isEmpty()) {
            return expired(response);
        }
        if (!newPassword.equals(confirmPassword)) {
            return problem(link.get(), "newPassword", "password.mismatch", browser, response, model);
        }
        String token = browser.attribute(LINK, String.class).orElseThrow();
        PasswordResets.Completion done = resets.complete(token, newPassword, ClientInfo.of(request));
        if (done instanceof PasswordResets.Completion.Rejected rejected) {
            return problem(link.get(), "newPassword", rejected.problemKey(), browser, response, model);
        }
        browser.removeAttribute(LINK);
        if (done instanceof PasswordResets.Completion.Expired) {
            return expired(response);
        }
        signIn.afterPasswordReset(link.get().userId(), Optional.ofNullable(me), browser);
        if (me != null && me.userId().equals(link.get().userId())) {
            redirect.addFlashAttribute("flashSuccess", messages.get("pwreset.done.signedIn"));
            // An application's request that found the new password due goes on now; else the Security page.
            return "redirect:" + returnPage.continueTo(request, response);
        }
        return "redirect:/signin?reset";
    }

    private String problem(PasswordResets.Link link, String field, String key, BrowserSession browser,
                           HttpServletResponse response, Model model) {
        model.addAttribute("errors", Map.of(field, messages.get(key)));
        response.setStatus(422);
        return showForm(link, browser, model);
    }

    private static String expired(HttpServletResponse response) {
        response.setStatus(410);
        return "signin/reset-expired";
    }

    /**
     * The link this browser opened, while it still works and, for a user with a second factor, only in a session
     * signed in as them with a second factor proved since the link was asked for.
     */
    private Optional<PasswordResets.Link> usableLink(BrowserSession browser, SignedInUser me) {
        return browser.attribute(LINK, String.class).flatMap(resets::find).filter(link -> !secondStepDue(link, me));
    }

    /**
     * Whether the link's user has a second factor that {@code me} (the session's user, null when signed out) has not
     * proved as them since the link was asked for.
     */
    private boolean secondStepDue(PasswordResets.Link link, SignedInUser me) {
        boolean proved = me != null && me.userId().equals(link.userId()) && me.secondFactorAt() != null
                && !me.secondFactorAt().isBefore(link.createdAt());
        return !proved && factors.hasFactor(link.userId());
    }
}

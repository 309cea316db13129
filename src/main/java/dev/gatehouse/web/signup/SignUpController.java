package dev.gatehouse.web.signup;

import static dev.gatehouse.web.FormEcho.cut;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.gatehouse.account.SignUpService;
import dev.gatehouse.signin.BrowserSession;
import dev.gatehouse.signin.SignInService;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.user.UserDetails;
import dev.gatehouse.web.Messages;
import dev.gatehouse.web.TooManyRequests;

@Controller
class SignUpController {

    private final SignUpService signUp;
    private final SignInService signIn;
    private final Messages messages;
    private final UserDetails details;
    private final Clock clock;

    SignUpController(SignUpService signUp, SignInService signIn, Messages messages, UserDetails details,
                     Clock clock) {
        this.clock = clock;
        this.signUp = signUp;
        this.signIn = signIn;
        this.messages = messages;
        this.details = details;
    }

    @GetMapping("/signup")
    String form(Model model) {
        model.addAttribute("form", new SignUpService.SignUpForm("", "", "", "", ""));
        model.addAttribute("errors", Map.of());
        model.addAttribute("askPhone", signUp.asksForPhone());
        return "signup/form";
    }

    @PostMapping("/signup")
    String submit(@RequestParam(defaultValue = "") String displayName, @RequestParam(defaultValue = "") String email,
                  @RequestParam(defaultValue = "") String password,
                  @RequestParam(defaultValue = "") String accountName, @RequestParam(defaultValue = "") String phone,
                  HttpServletRequest request, HttpServletResponse response, Model model,
                  RedirectAttributes redirect) {
        SignUpService.SignUpForm form = new SignUpService.SignUpForm(displayName, email, password, accountName, phone);
        SignUpService.Request result = signUp.request(form, ClientInfo.of(request));
        model.addAttribute("askPhone", signUp.asksForPhone());
        if (result instanceof SignUpService.Request.Invalid invalid) {
            // The password is never sent back into the page.
            model.addAttribute("form", new SignUpService.SignUpForm(cut(displayName), cut(email), "", cut(accountName),
                    cut(phone)));
            model.addAttribute("errors", messages.resolve(invalid.problems()));
            response.setStatus(422);
            return "signup/form";
        }
        if (result instanceof SignUpService.Request.TooMany tooMany) {
            model.addAttribute("form", new SignUpService.SignUpForm(cut(displayName), cut(email), "", cut(accountName),
                    cut(phone)));
            model.addAttribute("errors", Map.of());
            model.addAttribute("error", messages.until("tz.signup.tooMany", tooMany.until()));
            TooManyRequests.until(response, clock.instant(), tooMany.until());
            return "signup/form";
        }
        // The address as typed, shown once on the next page so that a typo is seen at once (a flash attribute: it stays
        // out of the address bar and the logs). Shown for any address: the page is the same for new and known ones.
        redirect.addFlashAttribute("sentTo", cut(email.strip()));
        return "redirect:/signup/sent";
    }

    @GetMapping("/signup/sent")
    String sent() {
        return "signup/sent";
    }

    @GetMapping("/signup/confirm/{token}")
    String confirmPage(@PathVariable String token, Model model, HttpServletResponse response) {
        Optional<SignUpService.Pending> pending = signUp.pending(token);
        if (pending.isEmpty()) {
            response.setStatus(404);
            return "signup/invalid";
        }
        model.addAttribute("pending", pending.get());
        model.addAttribute("token", token);
        return "signup/confirm";
    }

    @PostMapping("/signup/confirm/{token}")
    String confirm(@PathVariable String token, @RequestParam(defaultValue = "") String password,
                   @RequestParam(defaultValue = "") String timeZone, BrowserSession browser,
                   HttpServletRequest request, HttpServletResponse response, Model model) {
        SignUpService.Completion completion = signUp.complete(token, password, ClientInfo.of(request));
        if (completion instanceof SignUpService.Completion.WrongPassword
                || completion instanceof SignUpService.Completion.TooManyWrongPasswords) {
            Optional<SignUpService.Pending> pending = signUp.pending(token);
            if (pending.isPresent()) {
                model.addAttribute("pending", pending.get());
                model.addAttribute("token", token);
                if (completion instanceof SignUpService.Completion.TooManyWrongPasswords tooMany) {
                    model.addAttribute("passwordProblem", messages.until("signup.confirm.tooMany", tooMany.until()));
                    TooManyRequests.until(response, clock.instant(), tooMany.until());
                } else {
                    model.addAttribute("passwordProblem", messages.get("signup.confirm.wrongPassword"));
                    response.setStatus(422);
                }
                return "signup/confirm";
            }
            completion = new SignUpService.Completion.InvalidLink();
        }
        if (completion instanceof SignUpService.Completion.Completed completed) {
            details.rememberBrowserZone(completed.user().id(), timeZone);
            signIn.signInNewUser(completed.user(), browser);
            return "redirect:/settings/security?welcome";
        }
        response.setStatus(completion instanceof SignUpService.Completion.AlreadyRegistered ? 409 : 404);
        model.addAttribute("alreadyRegistered", completion instanceof SignUpService.Completion.AlreadyRegistered);
        return "signup/invalid";
    }
}

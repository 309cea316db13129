package dev.gatehouse.web.settings;


import jakarta.servlet.http.HttpServletRequest;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.gatehouse.factor.FactorType;
import dev.gatehouse.factor.SignInMethods;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.user.User;
import dev.gatehouse.web.CurrentUser;
import dev.gatehouse.web.Messages;

/**
 * Security tab > Preferences: which method sign-in asks for first. No re-confirmation: every active method works
 * either way ("Try another way"), so the choice changes convenience, not security.
 */
@Controller
class PrimaryMethodController {

    private final SignInMethods methods;
    private final Messages messages;

    PrimaryMethodController(SignInMethods methods, Messages messages) {
        this.methods = methods;
        this.messages = messages;
    }

    @PostMapping("/settings/primary-method")
    String save(@CurrentUser User user, @RequestParam(defaultValue = "") String method,
                HttpServletRequest request, RedirectAttributes redirect) {
        FactorType type = FactorType.parse(method).orElse(null);
        SignInMethods.Choice choice = methods.choosePrimary(user, type,
                ClientInfo.of(request));
        if (choice instanceof SignInMethods.Choice.Saved saved) {
            redirect.addFlashAttribute("flashSuccess", messages.get("primary.saved",
                    messages.get("factor." + saved.primary().name())));
        } else {
            redirect.addFlashAttribute("flashError", messages.get("primary.invalid"));
        }
        return "redirect:/settings/security#preferences";
    }
}

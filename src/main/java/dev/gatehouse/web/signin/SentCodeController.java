package dev.gatehouse.web.signin;

import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriComponentsBuilder;

import dev.gatehouse.factor.CodeSend;
import dev.gatehouse.factor.FactorType;
import dev.gatehouse.signin.PendingSignIn;
import dev.gatehouse.signin.SentCodeSignIn;
import dev.gatehouse.signin.SignInService;
import dev.gatehouse.signin.SignedInUser;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.web.Messages;
import dev.gatehouse.web.ReconfirmLinks;

/**
 * "Send a new code" on the second sign-in step and on "Confirm it's you", for methods whose codes Gatehouse sends.
 * The cooldown and the limits are counted on the server; past them nothing is sent and the page says when.
 */
@Controller
class SentCodeController {

    private final SignInService signIn;
    private final SentCodeSignIn sentCodes;
    private final SentCodeWords words;
    private final Messages messages;

    SentCodeController(SignInService signIn, SentCodeSignIn sentCodes, SentCodeWords words, Messages messages) {
        this.signIn = signIn;
        this.sentCodes = sentCodes;
        this.words = words;
        this.messages = messages;
    }

    @PostMapping("/signin/verify/resend")
    String resendForSignIn(@RequestParam(defaultValue = "") String method, HttpServletRequest request,
                           RedirectAttributes redirect) {
        Optional<PendingSignIn> pending = signIn.pending(request);
        if (pending.isEmpty()) {
            return "redirect:/signin?expired";
        }
        Optional<FactorType> type = signIn.choices(pending.get()).methods().stream()
                .filter(t -> t.name().equals(method) && sentCodes.sendsCodes(t)).findFirst();
        if (type.isEmpty()) {
            return "redirect:/signin/choose";
        }
        flash(sentCodes.send(pending.get(), type.get(), ClientInfo.of(request)), type.get(), redirect);
        return "redirect:/signin/verify?method=" + type.get().name();
    }

    @PostMapping("/settings/confirm/resend")
    String resendForReconfirm(@AuthenticationPrincipal SignedInUser me, @RequestParam(defaultValue = "") String next,
                              HttpServletRequest request, RedirectAttributes redirect) {
        Optional<FactorType> type = sentCodes.reconfirmMethod(me, "", request);
        if (type.isPresent() && sentCodes.sendsCodes(type.get())) {
            flash(sentCodes.sendForReconfirm(me, request), type.get(), redirect);
        }
        return "redirect:" + UriComponentsBuilder.fromPath("/settings/confirm")
                .queryParam("next", ReconfirmLinks.safeNext(next)).build().toUriString();
    }

    private void flash(CodeSend send, FactorType type, RedirectAttributes redirect) {
        Optional<String> problem = words.problem(send);
        if (problem.isPresent()) {
            redirect.addFlashAttribute("flashError", problem.get());
        } else {
            redirect.addFlashAttribute("flashSuccess", messages.get("codes.resent." + type.name()));
        }
    }
}

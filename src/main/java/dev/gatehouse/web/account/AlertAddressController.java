package dev.gatehouse.web.account;

import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;

import dev.gatehouse.account.AlertRecipients;
import dev.gatehouse.system.ClientInfo;

/**
 * The link emailed to an extra address for an account's security alerts. Opening it only shows what it is for; the
 * button's POST confirms, so a mail scanner that follows links confirms nothing. No sign-in: the address may be a
 * team's mailbox with no user behind it.
 */
@Controller
class AlertAddressController {

    private final AlertRecipients recipients;

    AlertAddressController(AlertRecipients recipients) {
        this.recipients = recipients;
    }

    @GetMapping("/alerts/confirm/{token}")
    String page(@PathVariable String token, Model model, HttpServletResponse response) {
        Optional<AlertRecipients.Pending> pending = recipients.pending(token);
        if (pending.isEmpty()) {
            response.setStatus(404);
            return "account/alert-link-invalid";
        }
        model.addAttribute("pending", pending.get());
        model.addAttribute("token", token);
        return "account/alert-confirm";
    }

    @PostMapping("/alerts/confirm/{token}")
    String confirm(@PathVariable String token, HttpServletRequest request, HttpServletResponse response, Model model) {
        Optional<AlertRecipients.Pending> confirmed = recipients.confirm(token, ClientInfo.of(request));
        if (confirmed.isEmpty()) {
            response.setStatus(404);
            return "account/alert-link-invalid";
        }
        model.addAttribute("pending", confirmed.get());
        model.addAttribute("confirmed", true);
        return "account/alert-confirm";
    }
}

package dev.gatehouse.web.settings;

import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.gatehouse.signin.SignedInUser;
import dev.gatehouse.signin.TrustedDevices;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.user.User;
import dev.gatehouse.web.CurrentUser;
import dev.gatehouse.web.Messages;

/**
 * Security tab > Trusted devices: "Remove" and "Remove all". No re-confirmation: these only take trust away, and a
 * user who suspects someone else is signed in must be able to do it at once.
 */
@Controller
class TrustedDevicesController {

    private final TrustedDevices devices;
    private final Messages messages;

    TrustedDevicesController(TrustedDevices devices, Messages messages) {
        this.devices = devices;
        this.messages = messages;
    }

    @PostMapping("/settings/trusted-devices/{deviceId}/remove")
    String remove(@CurrentUser User user, @PathVariable UUID deviceId, HttpServletRequest request,
                  RedirectAttributes redirect) {
        if (devices.remove(user, deviceId, ClientInfo.of(request))) {
            redirect.addFlashAttribute("flashSuccess", messages.get("devices.removed"));
        }
        return "redirect:/settings/security#trusted-devices";
    }

    @PostMapping("/settings/trusted-devices/remove-all")
    String removeAll(@AuthenticationPrincipal SignedInUser me, HttpServletRequest request,
                     RedirectAttributes redirect) {
        if (devices.removeAll(me.userId(), ClientInfo.of(request), "removed by the user") > 0) {
            redirect.addFlashAttribute("flashSuccess", messages.get("devices.removedAll"));
        }
        return "redirect:/settings/security#trusted-devices";
    }
}

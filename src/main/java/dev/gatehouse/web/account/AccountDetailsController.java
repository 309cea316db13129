package dev.gatehouse.web.account;

import java.text.Collator;
import java.time.Clock;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.gatehouse.account.AccountDetails;
import dev.gatehouse.account.AccountDetailsService;
import dev.gatehouse.account.AlertRecipients;
import dev.gatehouse.account.Membership;
import dev.gatehouse.account.Role;
import dev.gatehouse.signin.SignedInUser;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.user.User;
import dev.gatehouse.web.ConfirmFirst;
import dev.gatehouse.web.CurrentUser;
import dev.gatehouse.web.FormEcho;
import dev.gatehouse.web.Messages;
import dev.gatehouse.web.TooManyRequests;

/**
 * Account > Settings > Details: the account's name, contact and postal address, and who receives its security
 * alerts. Owners change them; admins see them read-only (who is alerted about admins' actions is not theirs to
 * decide); a member gets the "only admins" page, anyone else the 404. Changing who is alerted is a security change,
 * on a page of its own behind "Confirm it's you"; the details are not (they change nothing about sign-in) and are
 * audited.
 */
@Controller
class AccountDetailsController {

    static final String PAGE = "/accounts/{accountId}/details";
    static final String RECIPIENTS = "/accounts/{accountId}/details/recipients";

    /** ISO 3166 countries by their English name, for the address's country list. */
    private static final List<Country> COUNTRIES = Arrays.stream(Locale.getISOCountries())
            .map(code -> new Country(code, new Locale("", code).getDisplayCountry(Locale.ENGLISH)))
            .sorted(Comparator.comparing(Country::name, Collator.getInstance(Locale.ENGLISH))).toList();

    private final AccountAccess access;
    private final AccountDetailsService details;
    private final AlertRecipients recipients;
    private final Messages messages;
    private final Clock clock;

    AccountDetailsController(AccountAccess access, AccountDetailsService details, AlertRecipients recipients,
                             Messages messages, Clock clock) {
        this.clock = clock;
        this.access = access;
        this.details = details;
        this.recipients = recipients;
        this.messages = messages;
    }

    /** A country of the list: its ISO 3166 alpha-2 code and English name. */
    record Country(String code, String name) {
    }

    @GetMapping(PAGE)
    String page(@PathVariable UUID accountId, @AuthenticationPrincipal SignedInUser me, Model model) {
        Membership membership = access.managed(accountId, me);
        AccountDetails saved = details.details(accountId);
        model.addAttribute("membership", membership);
        model.addAttribute("saved", saved);
        model.addAttribute("canEdit", membership.role() == Role.OWNER);
        model.addAttribute("alerts", recipients.settings(accountId));
        model.addAttribute("now", clock.instant());
        model.addAttribute("countries", COUNTRIES);
        if (!model.containsAttribute("form")) {
            model.addAttribute("form", new AccountDetails(saved.name(), saved.contactEmail(),
                    saved.contactPhoneDisplay(), saved.addressLine1(), saved.addressLine2(), saved.city(),
                    saved.postalCode(), saved.country()));
            model.addAttribute("errors", Map.of());
        }
        return "account/details";
    }

    @PostMapping(PAGE)
    String save(@PathVariable UUID accountId, @AuthenticationPrincipal SignedInUser me, @CurrentUser User user,
                @RequestParam(defaultValue = "") String name, @RequestParam(defaultValue = "") String contactEmail,
                @RequestParam(defaultValue = "") String contactPhone,
                @RequestParam(defaultValue = "") String addressLine1,
                @RequestParam(defaultValue = "") String addressLine2, @RequestParam(defaultValue = "") String city,
                @RequestParam(defaultValue = "") String postalCode, @RequestParam(defaultValue = "") String country,
                HttpServletRequest request, HttpServletResponse response, RedirectAttributes redirect, Model model) {
        access.owned(accountId, me);
        AccountDetails typed = new AccountDetails(name, contactEmail, contactPhone, addressLine1, addressLine2, city,
                postalCode, country);
        AccountDetailsService.Save result = details.save(accountId, user, typed, ClientInfo.of(request));
        if (result instanceof AccountDetailsService.Save.Saved saved) {
            redirect.addFlashAttribute("flashSuccess", messages.get(saved.changed().isEmpty()
                    ? "accountdetails.unchanged" : "accountdetails.saved"));
            return "redirect:/accounts/" + accountId + "/details";
        }
        // What was typed stays in the form, with what is wrong with it; nothing was saved.
        model.addAttribute("form", new AccountDetails(FormEcho.cut(name), FormEcho.cut(contactEmail),
                FormEcho.cut(contactPhone), FormEcho.cut(addressLine1), FormEcho.cut(addressLine2),
                FormEcho.cut(city), FormEcho.cut(postalCode), FormEcho.cut(country)));
        model.addAttribute("errors", messages.resolve(((AccountDetailsService.Save.Invalid) result).problems()));
        response.setStatus(422);
        return page(accountId, me, model);
    }

    /** Shown after re-confirmation, so that what the owner changes here is saved in one go. */
    @ConfirmFirst
    @GetMapping(RECIPIENTS)
    String recipientsPage(@PathVariable UUID accountId, @AuthenticationPrincipal SignedInUser me, Model model) {
        model.addAttribute("membership", access.owned(accountId, me));
        model.addAttribute("alerts", recipients.settings(accountId));
        model.addAttribute("now", clock.instant());
        if (!model.containsAttribute("errors")) {
            model.addAttribute("errors", Map.of());
            model.addAttribute("addressEmail", "");
        }
        return "account/recipients";
    }

    @ConfirmFirst(next = RECIPIENTS)
    @PostMapping(RECIPIENTS + "/roles")
    String chooseRoles(@PathVariable UUID accountId, @AuthenticationPrincipal SignedInUser me, @CurrentUser User user,
                       @RequestParam(name = "role", required = false) List<String> roles, HttpServletRequest request,
                       HttpServletResponse response, RedirectAttributes redirect, Model model) {
        access.owned(accountId, me);
        List<String> chosen = roles == null ? List.of() : roles;
        AlertRecipients.Change result = recipients.chooseRoles(accountId, user, chosen.contains(Role.OWNER.name()),
                chosen.contains(Role.ADMIN.name()), ClientInfo.of(request));
        if (result instanceof AlertRecipients.Change.Saved saved) {
            redirect.addFlashAttribute("flashSuccess", messages.get(saved.changed() ? "recipients.roles.saved"
                    : "accountdetails.unchanged"));
            return "redirect:/accounts/" + accountId + "/details/recipients";
        }
        model.addAttribute("errors", messages.resolve(((AlertRecipients.Change.Invalid) result).problems()));
        model.addAttribute("addressEmail", "");
        response.setStatus(422);
        return recipientsPage(accountId, me, model);
    }

    @ConfirmFirst(next = RECIPIENTS)
    @PostMapping(RECIPIENTS + "/addresses")
    String addAddress(@PathVariable UUID accountId, @AuthenticationPrincipal SignedInUser me, @CurrentUser User user,
                      @RequestParam(defaultValue = "") String email, HttpServletRequest request,
                      HttpServletResponse response, RedirectAttributes redirect, Model model) {
        access.owned(accountId, me);
        AlertRecipients.Add result = recipients.add(accountId, user, email, ClientInfo.of(request));
        if (result instanceof AlertRecipients.Add.Sent sent) {
            redirect.addFlashAttribute("flashSuccess", messages.get("recipients.address.sent", sent.email()));
            return "redirect:/accounts/" + accountId + "/details/recipients";
        }
        if (result instanceof AlertRecipients.Add.TooMany tooMany) {
            model.addAttribute("errors", Map.of("email", messages.until(tooMany.byAccount()
                    ? "recipients.address.mailsTooMany.account" : "recipients.address.mailsTooMany", tooMany.until())));
            TooManyRequests.until(response, clock.instant(), tooMany.until());
        } else {
            model.addAttribute("errors", messages.resolve(((AlertRecipients.Add.Invalid) result).problems()));
            response.setStatus(422);
        }
        model.addAttribute("addressEmail", FormEcho.cut(email));
        return recipientsPage(accountId, me, model);
    }

    /** The address is named in a hidden field; it is looked up in this account only, so another's is a 404. */
    @ConfirmFirst(next = RECIPIENTS)
    @PostMapping(RECIPIENTS + "/addresses/remove")
    String removeAddress(@PathVariable UUID accountId, @AuthenticationPrincipal SignedInUser me,
                         @CurrentUser User user, @RequestParam(defaultValue = "") String addressId,
                         HttpServletRequest request, RedirectAttributes redirect) {
        access.owned(accountId, me);
        UUID id;
        try {
            id = UUID.fromString(addressId);
        } catch (IllegalArgumentException e) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND);
        }
        String email = recipients.settings(accountId).addresses().stream().filter(a -> a.id().equals(id))
                .map(a -> a.email()).findFirst().orElse("");
        if (!recipients.remove(accountId, user, id, ClientInfo.of(request))) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND);
        }
        redirect.addFlashAttribute("flashSuccess", messages.get("recipients.address.removed", email));
        return "redirect:/accounts/" + accountId + "/details/recipients";
    }
}

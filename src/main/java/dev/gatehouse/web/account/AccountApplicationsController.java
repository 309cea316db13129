package dev.gatehouse.web.account;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import dev.gatehouse.account.Membership;
import dev.gatehouse.oidc.AccountClients;
import dev.gatehouse.oidc.ApiScopes;
import dev.gatehouse.oidc.OidcProperties;
import dev.gatehouse.signin.SignedInUser;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.web.ConfirmFirst;
import dev.gatehouse.web.FormEcho;
import dev.gatehouse.web.Messages;

/**
 * Account > Settings > Applications: the account's OpenID Connect clients, for its owners only (an admin or member is
 * told whose page it is, anyone else gets the 404). Register, new secret and remove are security changes behind
 * "Confirm it's you", and so is changing an application's URIs; the page itself is too, so that what the owner types
 * is saved in one go. A secret is shown
 * once, on the page the change redirects to (a flash attribute: a reload no longer has it).
 */
@Controller
class AccountApplicationsController {

    static final String PAGE = "/accounts/{accountId}/applications";
    static final String SECRET = PAGE + "/secret";
    static final String EDIT = PAGE + "/edit";

    private final AccountAccess access;
    private final AccountClients clients;
    private final Messages messages;
    private final OidcProperties oidc;

    AccountApplicationsController(AccountAccess access, AccountClients clients, Messages messages,
                                  OidcProperties oidc) {
        this.access = access;
        this.clients = clients;
        this.messages = messages;
        this.oidc = oidc;
    }

    @ConfirmFirst
    @GetMapping(PAGE)
    String page(@PathVariable UUID accountId, @AuthenticationPrincipal SignedInUser me, Model model) {
        Membership membership = access.owned(accountId, me);
        model.addAttribute("membership", membership);
        model.addAttribute("applications", clients.list(accountId));
        model.addAttribute("maxUris", AccountClients.MAX_URIS);
        model.addAttribute("apiScopes", ApiScopes.ALL);
        if (!model.containsAttribute("form")) {
            model.addAttribute("form", new AccountClients.Registration("", "", "", true, true, true));
            model.addAttribute("errors", Map.of());
        }
        return "account/applications";
    }

    @ConfirmFirst(next = PAGE)
    @PostMapping(PAGE)
    String register(@PathVariable UUID accountId, @AuthenticationPrincipal SignedInUser me,
                    @RequestParam(defaultValue = "") String name, @RequestParam(defaultValue = "") String redirectUris,
                    @RequestParam(defaultValue = "") String postLogoutUris,
                    @RequestParam(defaultValue = "") String type,
                    @RequestParam(defaultValue = "false") boolean email,
                    @RequestParam(defaultValue = "false") boolean profile,
                    @RequestParam(defaultValue = "") List<String> apiScopes,
                    HttpServletRequest request, HttpServletResponse response, RedirectAttributes redirect,
                    Model model) {
        access.owned(accountId, me);
        boolean confidential = !"public".equals(type);
        boolean service = "service".equals(type);
        Set<String> scopes = new LinkedHashSet<>(apiScopes);
        scopes.remove("");
        AccountClients.Registration form = new AccountClients.Registration(name, redirectUris, postLogoutUris,
                confidential, email, profile, service, scopes);
        AccountClients.Register result = clients.register(accountId, me.userId(), form, ClientInfo.of(request));
        if (result instanceof AccountClients.Register.Registered registered) {
            redirect.addFlashAttribute("registeredClientId", registered.clientId());
            if (registered.secret() == null) {
                redirect.addFlashAttribute("flashSuccess", messages.get("clients.registered.public",
                        registered.clientId()));
                return "redirect:/accounts/" + accountId + "/applications";
            }
            redirect.addFlashAttribute("secret", registered.secret());
            redirect.addFlashAttribute("secretClientId", registered.clientId());
            return "redirect:/accounts/" + accountId + "/applications/secret";
        }
        model.addAttribute("form", new AccountClients.Registration(FormEcho.cut(name),
                FormEcho.cut(redirectUris), FormEcho.cut(postLogoutUris), confidential, email, profile, service,
                scopes.stream().filter(ApiScopes.ALL::contains).collect(java.util.stream.Collectors.toSet())));
        model.addAttribute("errors", messages.resolve(((AccountClients.Register.Invalid) result).problems()));
        response.setStatus(422);
        return page(accountId, me, model);
    }

    /** The secret just made, once: a reload (no flash attribute) goes back to the list. */
    @GetMapping(SECRET)
    String secret(@PathVariable UUID accountId, @AuthenticationPrincipal SignedInUser me, Model model) {
        model.addAttribute("membership", access.owned(accountId, me));
        if (!model.containsAttribute("secret")) {
            return "redirect:/accounts/" + accountId + "/applications";
        }
        // What the application's developer needs next, beside the credentials (a new user looked for it): the issuer
        // as tokens name it, the configured one, else this request's (as discovery answers in the trial).
        String issuer = oidc.issuer() != null ? oidc.issuer()
                : ServletUriComponentsBuilder.fromCurrentContextPath().build().toUriString();
        model.addAttribute("issuer", issuer);
        model.addAttribute("discovery", discovery(issuer));
        return "account/application-secret";
    }

    /** The issuer's discovery document: {@code /.well-known/openid-configuration} after it, one slash between. */
    static String discovery(String issuer) {
        return (issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer)
                + "/.well-known/openid-configuration";
    }

    /**
     * What "New secret" and "Remove" break, said before they are done (each stops the running application until it is
     * updated, so neither is one click on the list); the form posts to the handlers below. A public application has
     * no secret to replace: 404, as for another account's client.
     */
    @ConfirmFirst(next = PAGE)
    @GetMapping({PAGE + "/new-secret", PAGE + "/remove"})
    String confirmChange(@PathVariable UUID accountId, @AuthenticationPrincipal SignedInUser me,
                         @RequestParam(defaultValue = "") String clientId, HttpServletRequest request, Model model) {
        Membership membership = access.owned(accountId, me);
        boolean removing = request.getRequestURI().endsWith("/remove");
        AccountClients.AccountClient application = clients.find(accountId, clientId)
                .filter(app -> removing || app.confidential())
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        model.addAttribute("membership", membership);
        model.addAttribute("app", application);
        model.addAttribute("removing", removing);
        return "account/application-confirm";
    }

    /** The client is named in a hidden field; it is looked up in this account only, so another's is a 404. */
    @ConfirmFirst(next = PAGE)
    @PostMapping(PAGE + "/new-secret")
    String newSecret(@PathVariable UUID accountId, @AuthenticationPrincipal SignedInUser me,
                     @RequestParam(defaultValue = "") String clientId, HttpServletRequest request,
                     RedirectAttributes redirect) {
        access.owned(accountId, me);
        String secret = clients.newSecret(accountId, me.userId(), clientId, ClientInfo.of(request))
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        redirect.addFlashAttribute("secret", secret);
        redirect.addFlashAttribute("secretClientId", clientId);
        redirect.addFlashAttribute("replaced", true);
        return "redirect:/accounts/" + accountId + "/applications/secret";
    }

    /** The application's redirect and post-sign-out URIs, to change; another account's client is a 404. */
    @ConfirmFirst(next = PAGE)
    @GetMapping(EDIT)
    String edit(@PathVariable UUID accountId, @AuthenticationPrincipal SignedInUser me,
                @RequestParam(defaultValue = "") String clientId, Model model) {
        Membership membership = access.owned(accountId, me);
        AccountClients.AccountClient application = clients.find(accountId, clientId)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        model.addAttribute("membership", membership);
        model.addAttribute("app", application);
        model.addAttribute("maxUris", AccountClients.MAX_URIS);
        if (!model.containsAttribute("redirectUris")) {
            model.addAttribute("redirectUris", String.join("\n", application.redirectUris()));
            model.addAttribute("postLogoutUris", String.join("\n", application.postLogoutUris()));
            model.addAttribute("errors", Map.of());
        }
        return "account/application-edit";
    }

    @ConfirmFirst(next = PAGE)
    @PostMapping(EDIT)
    String saveEdit(@PathVariable UUID accountId, @AuthenticationPrincipal SignedInUser me,
                    @RequestParam(defaultValue = "") String clientId,
                    @RequestParam(defaultValue = "") String redirectUris,
                    @RequestParam(defaultValue = "") String postLogoutUris,
                    HttpServletRequest request, HttpServletResponse response, RedirectAttributes redirect,
                    Model model) {
        access.owned(accountId, me);
        AccountClients.Change result = clients.changeUris(accountId, me.userId(), clientId, redirectUris,
                postLogoutUris, ClientInfo.of(request));
        if (result instanceof AccountClients.Change.NotFound) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND);
        }
        if (result instanceof AccountClients.Change.Invalid invalid) {
            model.addAttribute("redirectUris", FormEcho.cut(redirectUris));
            model.addAttribute("postLogoutUris", FormEcho.cut(postLogoutUris));
            model.addAttribute("errors", messages.resolve(invalid.problems()));
            response.setStatus(422);
            return edit(accountId, me, clientId, model);
        }
        String name = clients.find(accountId, clientId).map(AccountClients.AccountClient::name).orElse("");
        redirect.addFlashAttribute("flashSuccess", messages.get("clients.edited", name));
        return "redirect:/accounts/" + accountId + "/applications";
    }

    @ConfirmFirst(next = PAGE)
    @PostMapping(PAGE + "/remove")
    String remove(@PathVariable UUID accountId, @AuthenticationPrincipal SignedInUser me,
                  @RequestParam(defaultValue = "") String clientId, HttpServletRequest request,
                  RedirectAttributes redirect) {
        access.owned(accountId, me);
        String name = clients.find(accountId, clientId).map(AccountClients.AccountClient::name).orElse("");
        if (!clients.remove(accountId, me.userId(), clientId, ClientInfo.of(request))) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND);
        }
        redirect.addFlashAttribute("flashSuccess", messages.get("clients.removed", name));
        return "redirect:/accounts/" + accountId + "/applications";
    }
}

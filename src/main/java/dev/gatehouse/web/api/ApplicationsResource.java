package dev.gatehouse.web.api;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.gatehouse.account.AccountService;
import dev.gatehouse.account.FieldProblems;
import dev.gatehouse.account.Membership;
import dev.gatehouse.account.Role;
import dev.gatehouse.oidc.AccountClients;
import dev.gatehouse.oidc.ApiScopes;
import dev.gatehouse.user.User;
import dev.gatehouse.web.Messages;

/**
 * The account's applications (OpenID Connect clients), as on its Applications page: list, read, register a {@code web}
 * (confidential, its secret in the 201 answer only) or {@code public} application, remove one (its tokens stop).
 * Registration and removal go through {@link AccountClients}, so the page's checks hold, acted by {@link ApiActor}
 * and only while the person who registered the calling service still owns the account (the page is for owners).
 * A service is never registered here: a service with {@code accounts:admin} could otherwise mint itself any API scope.
 * Another account's client id is 404, like one that does not exist.
 */
@RestController
@RequestMapping(ApiPaths.ACCOUNT + "/applications")
class ApplicationsResource {

    static final Set<String> SCOPES = Set.of("openid", "email", "profile");

    private final AccountClients clients;
    private final AccountService accounts;
    private final ApiActor actor;
    private final Messages messages;

    ApplicationsResource(AccountClients clients, AccountService accounts, ApiActor actor, Messages messages) {
        this.clients = clients;
        this.accounts = accounts;
        this.actor = actor;
        this.messages = messages;
    }

    /** One application; {@code type} is {@code web}, {@code public} or {@code service}. Never its secret. */
    record ApplicationView(String clientId, String name, String type, List<String> redirectUris,
                           List<String> postLogoutUris, List<String> scopes, Instant createdAt) {
        static ApplicationView of(AccountClients.AccountClient c) {
            String type = c.service() ? "service" : c.confidential() ? "web" : "public";
            return new ApplicationView(c.clientId(), c.name(), type, c.redirectUris(), c.postLogoutUris(),
                    c.scopes(), c.createdAt());
        }
    }

    /** The 201 answer: the application, and for a {@code web} one its secret, shown this once (null otherwise). */
    record Registered(String clientId, String name, String type, List<String> redirectUris,
                      List<String> postLogoutUris, List<String> scopes, Instant createdAt, String clientSecret) {
        static Registered of(ApplicationView v, String secret) {
            return new Registered(v.clientId(), v.name(), v.type(), v.redirectUris(), v.postLogoutUris(),
                    v.scopes(), v.createdAt(), secret);
        }
    }

    record ApplicationList(List<ApplicationView> items) {
    }

    /** {@code scopes} defaults to {@code openid}, which every application has. */
    record Registration(String name, @Size(max = AccountClients.MAX_URIS) List<String> redirectUris,
                        @Size(max = AccountClients.MAX_URIS) List<String> postLogoutUris, @NotNull String type,
                        @Size(max = 3) List<String> scopes) {
    }

    @GetMapping
    @RequiresScope(ApiScopes.ACCOUNTS_ADMIN)
    ApplicationList list(@PathVariable UUID accountId, ApiCaller caller) {
        return new ApplicationList(clients.list(caller.accountId()).stream().map(ApplicationView::of).toList());
    }

    @GetMapping("/{clientId}")
    @RequiresScope(ApiScopes.ACCOUNTS_ADMIN)
    ApplicationView read(@PathVariable UUID accountId, @PathVariable String clientId, ApiCaller caller) {
        return ApplicationView.of(clients.find(caller.accountId(), clientId)
                .orElseThrow(() -> ApiProblem.notFound("No such application in this account.")));
    }

    @PostMapping
    @RequiresScope(ApiScopes.ACCOUNTS_ADMIN)
    ResponseEntity<Registered> register(@PathVariable UUID accountId, ApiCaller caller,
                                        @Valid @RequestBody Registration body, HttpServletRequest request) {
        List<ApiProblem.FieldError> errors = new ArrayList<>();
        boolean confidential = "web".equals(body.type());
        if (!confidential && !"public".equals(body.type())) {
            errors.add(new ApiProblem.FieldError("type", "service".equals(body.type())
                    ? "A service is registered on the account's Applications page only."
                    : "must be web or public"));
        }
        linesInside("redirectUris", body.redirectUris(), errors);
        linesInside("postLogoutUris", body.postLogoutUris(), errors);
        List<String> scopes = body.scopes() == null ? List.of() : body.scopes();
        if (scopes.stream().anyMatch(s -> !SCOPES.contains(s))) {
            errors.add(new ApiProblem.FieldError("scopes", "must be among openid, email and profile"));
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        User by = owner(caller);
        AccountClients.Register outcome = clients.register(caller.accountId(), by.id(),
                new AccountClients.Registration(body.name(), lines(body.redirectUris()), lines(body.postLogoutUris()),
                        confidential, scopes.contains("email"), scopes.contains("profile")),
                ApiActor.client(request, caller));
        if (outcome instanceof AccountClients.Register.Invalid invalid) {
            throw invalid(invalid.problems());
        }
        AccountClients.Register.Registered registered = (AccountClients.Register.Registered) outcome;
        ApplicationView view = ApplicationView.of(clients.find(caller.accountId(), registered.clientId())
                .orElseThrow(() -> new IllegalStateException("application registered but not found")));
        return ResponseEntity.status(HttpStatus.CREATED)
                .location(URI.create(ApiPaths.BASE + "/accounts/" + caller.accountId() + "/applications/"
                        + registered.clientId()))
                .body(Registered.of(view, registered.secret()));
    }

    /** Removes the application and every authorization it holds: its tokens stop working, as with the page's Remove. */
    @DeleteMapping("/{clientId}")
    @RequiresScope(ApiScopes.ACCOUNTS_ADMIN)
    ResponseEntity<Void> remove(@PathVariable UUID accountId, @PathVariable String clientId, ApiCaller caller,
                                HttpServletRequest request) {
        User by = owner(caller);
        if (!clients.remove(caller.accountId(), by.id(), clientId, ApiActor.client(request, caller))) {
            throw ApiProblem.notFound("No such application in this account.");
        }
        return ResponseEntity.noContent().build();
    }

    /** The acting user, who must still own the account: the Applications page is the owners'. */
    private User owner(ApiCaller caller) {
        User by = actor.of(caller);
        boolean owner = accounts.membership(caller.accountId(), by.id()).map(Membership::role)
                .filter(Role.OWNER::equals).isPresent();
        if (!owner) {
            throw new ApiProblem(HttpStatus.FORBIDDEN, "not-allowed", "Not allowed",
                    "Only an owner registers and removes applications; the person who registered this client is not"
                            + " one now.");
        }
        return by;
    }

    /** A URI holding a line break would be read as two by the form's format: refused as it stands. */
    private static void linesInside(String field, List<String> uris, List<ApiProblem.FieldError> errors) {
        if (uris != null && uris.stream().anyMatch(u -> u != null && (u.contains("\n") || u.contains("\r")))) {
            errors.add(new ApiProblem.FieldError(field, "A URI holds no line break."));
        }
    }

    /** The form's format: one URI a line (a URI never holds a line break; one that does is refused by the check). */
    private static String lines(List<String> uris) {
        return uris == null ? "" : String.join("\n", uris.stream().map(u -> u == null ? "" : u).toList());
    }

    private ApiProblem invalid(FieldProblems problems) {
        Map<String, String> resolved = messages.resolve(problems);
        return ApiProblem.invalid(resolved.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> new ApiProblem.FieldError(e.getKey(), e.getValue())).toList());
    }
}

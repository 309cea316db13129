package dev.gatehouse.web.api;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.gatehouse.account.AccountService;
import dev.gatehouse.account.FieldProblems;
import dev.gatehouse.account.InvitationService;
import dev.gatehouse.account.Member;
import dev.gatehouse.account.MemberService;
import dev.gatehouse.account.PendingInvitation;
import dev.gatehouse.oidc.ApiScopes;
import dev.gatehouse.user.User;
import dev.gatehouse.user.UserDetails;
import dev.gatehouse.user.UserService;
import dev.gatehouse.web.Messages;
import dev.gatehouse.web.TooManyRequests;

/**
 * The account's users: list (paged, filtered), invite, read, rename, change role, remove from the account. Each change
 * goes through the service the account pages use, so the same rules hold (the last owner keeps the role, an admin
 * never touches an owner, one live invitation per address...), acted by {@link ApiActor}. A user who is not a member
 * of the caller's account is 404, like one that does not exist.
 */
@RestController
@RequestMapping(ApiPaths.ACCOUNT + "/users")
class UsersResource {

    static final int MAX_PAGE_SIZE = 200;

    private final AccountService accounts;
    private final InvitationService invitations;
    private final MemberService members;
    private final UserDetails details;
    private final UserService users;
    private final ApiActor actor;
    private final Messages messages;
    private final java.time.Clock clock;
    private final MemberLookup lookup;
    private final org.springframework.transaction.support.TransactionTemplate tx;

    UsersResource(AccountService accounts, InvitationService invitations, MemberService members, UserDetails details,
                  UserService users, ApiActor actor, Messages messages, java.time.Clock clock, MemberLookup lookup,
                  org.springframework.transaction.support.TransactionTemplate tx) {
        this.tx = tx;
        this.clock = clock;
        this.lookup = lookup;
        this.accounts = accounts;
        this.invitations = invitations;
        this.members = members;
        this.details = details;
        this.users = users;
        this.actor = actor;
        this.messages = messages;
    }

    /**
     * One user of the account: a member ({@code status} {@code active}, with an {@code id}) or someone invited who has
     * not joined yet ({@code invited}, or {@code expired} once the link stopped working; {@code id} null).
     */
    record UserView(UUID id, String email, String displayName, String role, String status, Instant joinedAt,
                    Instant invitationExpiresAt) {
        static UserView of(Member m) {
            return new UserView(m.userId(), m.email(), m.displayName(), m.role().name(), "active", m.joinedAt(), null);
        }

        static UserView of(PendingInvitation i) {
            return new UserView(null, i.email(), null, i.role().name(), i.expired() ? "expired" : "invited", null,
                    i.expiresAt());
        }
    }

    /** A page of users: {@code page} counts from 0. */
    record UserPage(List<UserView> items, int page, int size, long total) {
    }

    record Invite(@NotBlank @Size(max = 254) String email,
                  @NotNull @Pattern(regexp = "ADMIN|MEMBER", message = "must be ADMIN or MEMBER") String role,
                  @Size(max = 40) String phone, @Size(max = 2) String country) {
    }

    record Update(@NotBlank @Size(max = 100) String displayName) {
    }

    /** Owners are made on the account's pages only ({@link MemberLookup#changeableHere}). */
    record RoleChange(@NotNull @Pattern(regexp = "ADMIN|MEMBER", message = "must be ADMIN or MEMBER") String role) {
    }

    @GetMapping
    @RequiresScope(ApiScopes.USERS_READ)
    UserPage list(@PathVariable UUID accountId, ApiCaller caller,
                  @RequestParam(defaultValue = "0") @Min(0) int page,
                  @RequestParam(defaultValue = "50") @Min(1) @Max(MAX_PAGE_SIZE) int size,
                  @RequestParam(required = false) String email,
                  @RequestParam(required = false) @Pattern(regexp = "OWNER|ADMIN|MEMBER",
                          message = "must be OWNER, ADMIN or MEMBER") String role,
                  @RequestParam(required = false) @Pattern(regexp = "active|invited|expired",
                          message = "must be active, invited or expired") String status) {
        String needle = email == null ? null : email.strip().toLowerCase(Locale.ROOT);
        List<UserView> all = Stream.concat(
                        accounts.members(caller.accountId()).stream().map(UserView::of),
                        invitations.pending(caller.accountId()).stream().map(UserView::of))
                .filter(u -> needle == null || u.email().toLowerCase(Locale.ROOT).contains(needle))
                .filter(u -> role == null || u.role().equals(role))
                .filter(u -> status == null || u.status().equals(status))
                .toList();
        int from = (int) Math.min((long) page * size, all.size());
        return new UserPage(new ArrayList<>(all.subList(from, Math.min(from + size, all.size()))), page, size,
                all.size());
    }

    /** Invites someone by email (an email with a link is sent); they appear as {@code invited} until they join. */
    @PostMapping
    @RequiresScope(ApiScopes.USERS_WRITE)
    ResponseEntity<UserView> invite(@PathVariable UUID accountId, ApiCaller caller, @Valid @RequestBody Invite body,
                                    HttpServletRequest request) {
        User by = actor.of(caller);
        InvitationService.Invite outcome = invitations.invite(caller.accountId(), by, body.email(), body.role(),
                body.phone(), body.country(), ApiActor.client(request, caller));
        if (outcome instanceof InvitationService.Invite.Sent sent) {
            PendingInvitation created = invitations.pending(caller.accountId()).stream()
                    .filter(i -> i.email().equalsIgnoreCase(sent.email())).findFirst()
                    .orElseThrow(() -> new IllegalStateException("invitation sent but not pending"));
            return ResponseEntity.status(HttpStatus.CREATED)
                    .location(URI.create(ApiPaths.BASE + "/accounts/" + caller.accountId() + "/users?email="
                            + java.net.URLEncoder.encode(sent.email(), java.nio.charset.StandardCharsets.UTF_8)))
                    .body(UserView.of(created));
        }
        if (outcome instanceof InvitationService.Invite.Invalid invalid) {
            throw invalid(invalid.problems());
        }
        if (outcome instanceof InvitationService.Invite.TooMany tooMany) {
            throw ApiProblem.rateLimited(TooManyRequests.secondsUntil(clock.instant(), tooMany.until()));
        }
        throw new ApiProblem(HttpStatus.FORBIDDEN, "not-allowed", "Not allowed",
                "The person who registered this client may not invite people to this account.");
    }

    @GetMapping("/{userId}")
    @RequiresScope(ApiScopes.USERS_READ)
    UserView read(@PathVariable UUID accountId, @PathVariable UUID userId, ApiCaller caller) {
        return UserView.of(member(caller, userId));
    }

    /** Changes the user's name (the only detail an account may change: the email address is the user's to prove). */
    @PatchMapping("/{userId}")
    @RequiresScope(ApiScopes.USERS_WRITE)
    UserView update(@PathVariable UUID accountId, @PathVariable UUID userId, ApiCaller caller,
                    @Valid @RequestBody Update body, HttpServletRequest request) {
        lookup.changeableEverywhere(caller, userId, actor.of(caller));
        User user = users.findById(userId).orElseThrow(() -> ApiProblem.notFound("No such user in this account."));
        details.rename(user, body.displayName(), ApiActor.client(request, caller)).ifPresent(problem -> {
            throw ApiProblem.invalid("displayName", messages.get(problem));
        });
        return UserView.of(member(caller, userId));
    }

    @PutMapping("/{userId}/role")
    @RequiresScope(ApiScopes.USERS_WRITE)
    UserView role(@PathVariable UUID accountId, @PathVariable UUID userId, ApiCaller caller,
                  @Valid @RequestBody RoleChange body, HttpServletRequest request) {
        // Under the account's lock, which the pages' role changes take first: an owner made on a page at the same
        // moment is seen by the check that the API never changes owners (found by an outside attack in stop 31: one
        // round in 24 demoted the new owner).
        return tx.execute(status -> {
            accounts.lockForChange(caller.accountId());
            User by = actor.of(caller);
            lookup.changeableHere(caller, userId, by);
            return UserView.of(done(members.changeRole(caller.accountId(), by, userId, body.role(),
                    ApiActor.client(request, caller))));
        });
    }

    /**
     * Removes the user from this account (the API's "disable"): they can no longer use it, and keep their sign-in,
     * their methods and their other accounts, which are theirs.
     */
    @DeleteMapping("/{userId}")
    @RequiresScope(ApiScopes.USERS_WRITE)
    ResponseEntity<Void> remove(@PathVariable UUID accountId, @PathVariable UUID userId, ApiCaller caller,
                                HttpServletRequest request) {
        // Under the account's lock, as for a role change.
        tx.executeWithoutResult(status -> {
            accounts.lockForChange(caller.accountId());
            User by = actor.of(caller);
            lookup.changeableHere(caller, userId, by);
            done(members.remove(caller.accountId(), by, userId, ApiActor.client(request, caller)));
        });
        return ResponseEntity.noContent().build();
    }

    private Member member(ApiCaller caller, UUID userId) {
        return lookup.member(caller, userId);
    }

    private Member done(MemberService.Change change) {
        if (change instanceof MemberService.Change.Done done) {
            return done.member();
        }
        if (change instanceof MemberService.Change.Unchanged unchanged) {
            return unchanged.member();
        }
        if (change instanceof MemberService.Change.InvalidRole) {
            throw ApiProblem.invalid("role", "must be OWNER, ADMIN or MEMBER");
        }
        if (change instanceof MemberService.Change.Refused refused) {
            throw ApiProblem.conflict(messages.get(refused.reasonKey()));
        }
        throw ApiProblem.notFound("No such user in this account.");
    }

    private ApiProblem invalid(FieldProblems problems) {
        Map<String, String> resolved = messages.resolve(problems);
        return ApiProblem.invalid(resolved.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> new ApiProblem.FieldError(e.getKey(), e.getValue())).toList());
    }
}

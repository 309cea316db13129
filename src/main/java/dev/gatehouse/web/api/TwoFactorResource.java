package dev.gatehouse.web.api;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.gatehouse.account.AccountService;
import dev.gatehouse.account.Member;
import dev.gatehouse.account.Membership;
import dev.gatehouse.account.SecurityRules;
import dev.gatehouse.account.SecurityRulesService;
import dev.gatehouse.factor.BackupCodeService;
import dev.gatehouse.factor.EnrolledFactor;
import dev.gatehouse.factor.FactorService;
import dev.gatehouse.factor.SecondFactorMethod;
import dev.gatehouse.factor.SecondFactors;
import dev.gatehouse.factor.sms.SmsCodeMethod;
import dev.gatehouse.oidc.ApiScopes;
import dev.gatehouse.user.User;
import dev.gatehouse.user.UserDetails;
import dev.gatehouse.user.UserService;

/**
 * A member's two-step verification, as the account's members page knows it: whether the account requires it, their
 * methods (metadata only: never a secret, a code, an address or a full phone number), how many backup codes are left,
 * and whether a phone number is on file (masked as the sign-in page shows it). And the admins' reset, under the same
 * rules as the page ({@link AccountService#resetRefusal}), acted by the person who registered the client.
 */
@RestController
@RequestMapping(ApiPaths.ACCOUNT + "/users/{userId}/two-factor")
class TwoFactorResource {

    private final MemberLookup lookup;
    private final AccountService accounts;
    private final SecurityRulesService rules;
    private final FactorService factors;
    private final SecondFactors methods;
    private final BackupCodeService backupCodes;
    private final UserDetails details;
    private final UserService users;
    private final SmsCodeMethod sms;
    private final TransactionTemplate tx;
    private final ApiActor actor;

    TwoFactorResource(MemberLookup lookup, AccountService accounts, SecurityRulesService rules, FactorService factors,
                      SecondFactors methods, BackupCodeService backupCodes, UserDetails details, UserService users,
                      SmsCodeMethod sms, ApiActor actor, TransactionTemplate tx) {
        this.tx = tx;
        this.actor = actor;
        this.lookup = lookup;
        this.accounts = accounts;
        this.rules = rules;
        this.factors = factors;
        this.methods = methods;
        this.backupCodes = backupCodes;
        this.details = details;
        this.users = users;
        this.sms = sms;
    }

    /**
     * @param required        whether this account requires two-step verification (its admins' switch, or a
     *                        condition such as placed orders)
     * @param enrolled        whether the user has at least one method
     * @param methods         their methods, the primary first, then in the order added
     * @param backupCodesLeft unused backup codes (a count, never the codes)
     * @param phone           whether a phone number is on file, and that number masked
     */
    record TwoFactorView(UUID userId, boolean required, boolean enrolled, List<MethodView> methods,
                         int backupCodesLeft, PhoneView phone) {
    }

    /**
     * @param kind      the method's type name ({@code TOTP}, {@code EMAIL}, {@code SMS}, {@code WEBAUTHN}, ...)
     * @param name      the method's English name
     * @param label     the name the user gave it (a security key's), or the method's name
     * @param allowed   whether this account's rules allow it
     * @param primary   whether it is of the kind asked for first at sign-in
     */
    record MethodView(UUID id, String kind, String name, String label, Instant createdAt, Instant lastUsedAt,
                      boolean primary, boolean allowed) {
    }

    /** @param masked e.g. {@code +44 ••••••• 456}; null when no number is on file */
    record PhoneView(boolean onFile, String masked) {
    }

    /** @param methodsRemoved how many methods the reset removed (0 when the user had none: only a lockout lifted) */
    record ResetView(UUID userId, int methodsRemoved) {
    }

    @GetMapping
    @RequiresScope(ApiScopes.USERS_READ)
    TwoFactorView twoFactorStatus(@PathVariable UUID accountId, @PathVariable UUID userId, ApiCaller caller) {
        Member member = lookup.member(caller, userId);
        SecurityRules accountRules = rules.rules(caller.accountId());
        List<SecondFactorMethod> ordered = methods.ordered(userId);
        Optional<String> primary = ordered.stream().findFirst().map(m -> m.type().name());
        List<EnrolledFactor> own = factors.factors(userId).stream()
                .filter(f -> methods.find(f.type()).map(m -> m.traits().standalone()).orElse(false)).toList();
        // The primary kind first, then the order added (the sign-in page's order).
        List<MethodView> views = own.stream()
                .sorted(java.util.Comparator.comparing((EnrolledFactor f) -> !primary.equals(
                        Optional.of(f.type().name()))))
                .map(f -> new MethodView(f.id(), f.type().name(), methods.displayName(f.type()),
                        f.label() == null || f.label().isBlank() ? methods.displayName(f.type()) : f.label(),
                        f.createdAt(), f.lastUsedAt(), primary.equals(Optional.of(f.type().name())),
                        accountRules.allows(f.type().name())))
                .toList();
        Optional<String> number = details.phone(userId).map(UserDetails.Phone::number)
                .or(() -> own.stream().filter(f -> f.type().equals(SmsCodeMethod.TYPE)).map(EnrolledFactor::publicData)
                        .filter(n -> n != null && !n.isBlank()).findFirst());
        boolean onFile = member.phoneGiven() || number.isPresent();
        return new TwoFactorView(userId, accountRules.required(), !views.isEmpty(), views,
                backupCodes.remaining(userId), new PhoneView(onFile, number.map(sms::masked).orElse(null)));
    }

    /**
     * Removes every method and backup code of the member and lifts their code lockout; their trusted devices, sessions
     * and applications' tokens end, they are emailed, and so are the account's alert recipients (the page's reset).
     * The client acts as the owner who registered it ({@link ApiActor}), under the page's rules and the API's: 409
     * {@code conflict} for that person themselves, for any owner (owners are changed on the pages only), and for
     * someone who belongs to other accounts too.
     */
    @PostMapping("/reset")
    @RequiresScope(ApiScopes.USERS_WRITE)
    ResetView resetTwoFactor(@PathVariable UUID accountId, @PathVariable UUID userId, ApiCaller caller,
                    HttpServletRequest request) {
        // Under the account's lock, as on the page (MemberResetController says why).
        return tx.execute(status -> {
            accounts.lockForChange(caller.accountId());
            User by = actor.of(caller);
            if (userId.equals(by.id())) {
                throw ApiProblem.conflict("This client acts for the person who registered it: nobody resets their own"
                        + " two-step verification.");
            }
            // Like every change through the API, none to an owner (docs/api.md: a leaked secret must not be enough to
            // take an account over, and with an owner's password a reset would be).
            Member member = lookup.changeableHere(caller, userId, by);
            Membership acting = accounts.membership(caller.accountId(), by.id())
                    .orElseThrow(() -> ApiProblem.notFound("No such user in this account."));
            Optional<AccountService.ResetRefusal> refusal = accounts.resetRefusal(member, acting.role());
            if (refusal.isPresent()) {
                throw ApiProblem.conflict(refusal.get() == AccountService.ResetRefusal.OWNER
                        ? "Only an owner resets an owner's two-step verification, and this client acts for an admin."
                        : "This user belongs to other accounts too: a reset would weaken how they sign in to those.");
            }
            User user = users.findById(userId).orElseThrow(() -> ApiProblem.notFound("No such user in this account."));
            int removed = factors.resetByAdmin(user, by, caller.accountId(), acting.accountName(),
                    ApiActor.client(request, caller));
            return new ResetView(userId, removed);
        });
    }
}

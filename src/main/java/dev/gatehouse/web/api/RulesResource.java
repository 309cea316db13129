package dev.gatehouse.web.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.annotation.JsonAnySetter;

import dev.gatehouse.account.AccountService;
import dev.gatehouse.account.DeviceTrustPeriod;
import dev.gatehouse.account.FieldProblems;
import dev.gatehouse.account.Member;
import dev.gatehouse.account.SecurityRules;
import dev.gatehouse.account.SecurityRulesService;
import dev.gatehouse.factor.FactorService;
import dev.gatehouse.factor.FactorType;
import dev.gatehouse.factor.SecondFactorMethod;
import dev.gatehouse.factor.SecondFactors;
import dev.gatehouse.factor.sms.SmsCodeMethod;
import dev.gatehouse.oidc.ApiScopes;

/**
 * The account's two-step verification rules (Account settings > Security) and the "has placed orders" condition,
 * through the same service as the page, so the same validation applies and a change is audited and announced to the
 * account's alert recipients, naming the client ({@link ApiActor}). A {@code PUT} replaces the four settings an admin
 * chooses; the rest (when it was turned on, the condition, who has no phone) is read-only, and a body naming any
 * other field is refused with that field in the problem, nothing saved.
 */
@RestController
@RequestMapping(ApiPaths.ACCOUNT)
class RulesResource {

    private final SecurityRulesService rules;
    private final SecondFactors methods;
    private final AccountService accounts;
    private final FactorService factors;
    private final ApiActor actor;

    RulesResource(SecurityRulesService rules, SecondFactors methods, AccountService accounts, FactorService factors,
                  ApiActor actor) {
        this.rules = rules;
        this.methods = methods;
        this.accounts = accounts;
        this.factors = factors;
        this.actor = actor;
    }

    /**
     * @param required           whether members must have a method now: by {@code requireTwoFactor} or by a condition
     * @param requireTwoFactor   the admins' switch
     * @param graceDays          how long a member without a method may still postpone setting one up
     * @param allowedMethods     the method kinds members may use (every choosable kind when all are allowed)
     * @param choosableMethods   the kinds that may be listed in {@code allowedMethods} on this server
     * @param trustPeriod        how long "remember this device" lasts
     * @param requiredSince      when the switch was last turned on; null while off
     * @param ordersPlacedAt     when the account's first order was reported; null when not
     * @param phoneRequired      whether members must have a phone number on file (while text messages are allowed and
     *                           this server can send them)
     * @param membersWithoutPhone the members without one, while a phone is required
     */
    record RulesView(boolean required, boolean requireTwoFactor, int graceDays, List<String> allowedMethods,
                     List<String> choosableMethods, String trustPeriod, Instant requiredSince, Instant ordersPlacedAt,
                     boolean phoneRequired, List<MemberRef> membersWithoutPhone) {
    }

    record MemberRef(UUID userId, String email, String displayName) {
    }

    /**
     * What a {@code PUT} sets; every field is required. Any other field (e.g. {@code ordersPlacedAt}) is collected so
     * that it can be named in the problem instead of being ignored.
     */
    static final class RulesUpdate {
        /** Whether every member must have a method. */
        public Boolean requireTwoFactor;
        /** One of 0, 1, 3, 7, 14. */
        public Integer graceDays;
        /** At least one of the choosable kinds; all of them means every method, including ones added later. */
        public List<String> allowedMethods;
        /** One of THIS_SIGN_IN, ONE_DAY, ONE_WEEK, THIRTY_DAYS. */
        public String trustPeriod;

        private final Map<String, Object> others = new LinkedHashMap<>();

        @JsonAnySetter
        void other(String name, Object value) {
            others.put(name, value);
        }
    }

    /** @param since when the account's first order was reported; null while the condition is not set */
    record ConditionView(boolean placedOrders, Instant since) {
    }

    @GetMapping("/rules")
    @RequiresScope(ApiScopes.ACCOUNTS_ADMIN)
    RulesView readRules(@PathVariable UUID accountId, ApiCaller caller) {
        return view(caller.accountId(), rules.rules(caller.accountId()));
    }

    @PutMapping("/rules")
    @RequiresScope(ApiScopes.ACCOUNTS_ADMIN)
    RulesView saveRules(@PathVariable UUID accountId, @RequestBody RulesUpdate update, ApiCaller caller,
                   HttpServletRequest request) {
        List<ApiProblem.FieldError> errors = new ArrayList<>();
        // At most 10 named: one entry per unknown key let 64 KiB of keys come back as 1 MB of errors (stop 38).
        update.others.keySet().stream().limit(10).forEach(name -> errors.add(new ApiProblem.FieldError(name,
                "Not a field that can be set: only requireTwoFactor, graceDays, allowedMethods and trustPeriod.")));
        if (update.others.size() > 10) {
            errors.add(new ApiProblem.FieldError("body", (update.others.size() - 10)
                    + " more fields that cannot be set."));
        }
        if (update.requireTwoFactor == null) {
            errors.add(new ApiProblem.FieldError("requireTwoFactor", "Required: true or false."));
        }
        if (update.graceDays == null) {
            errors.add(new ApiProblem.FieldError("graceDays", "Required: one of " + SecurityRules.GRACE_DAYS + "."));
        }
        if (update.allowedMethods == null) {
            errors.add(new ApiProblem.FieldError("allowedMethods", "Required: a list of method kinds."));
        }
        if (update.trustPeriod == null) {
            errors.add(new ApiProblem.FieldError("trustPeriod", "Required: one of " + periods() + "."));
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        DeviceTrustPeriod period = Arrays.stream(DeviceTrustPeriod.values())
                .filter(p -> p.name().equals(update.trustPeriod)).findFirst().orElse(null);
        Set<String> chosen = new LinkedHashSet<>();
        update.allowedMethods.forEach(m -> chosen.add(m == null ? "" : m));
        SecurityRulesService.Save result = rules.save(caller.accountId(), actor.of(caller), update.requireTwoFactor,
                update.graceDays, chosen, period, new LinkedHashSet<>(choosable()), ApiActor.client(request, caller));
        if (result instanceof SecurityRulesService.Save.Invalid invalid) {
            throw ApiProblem.invalid(errors(invalid.problems()));
        }
        return view(caller.accountId(), ((SecurityRulesService.Save.Saved) result).rules());
    }

    @GetMapping("/conditions/placed-orders")
    @RequiresScope(ApiScopes.ACCOUNTS_ADMIN)
    ConditionView readPlacedOrders(@PathVariable UUID accountId, ApiCaller caller) {
        return condition(rules.rules(caller.accountId()));
    }

    /**
     * Reports that the account has placed orders: from now on its members must have a method (the deployment's grace
     * period for conditions applies). Only the first report counts; repeating it changes nothing.
     */
    @PutMapping("/conditions/placed-orders")
    @RequiresScope(ApiScopes.ACCOUNTS_ADMIN)
    ConditionView setPlacedOrders(@PathVariable UUID accountId, ApiCaller caller, HttpServletRequest request) {
        rules.ordersPlaced(caller.accountId(), actor.of(caller).displayName(), ApiActor.client(request, caller));
        return condition(rules.rules(caller.accountId()));
    }

    /** Withdraws the report; the admins' switch still applies. Clearing a condition that is not set changes nothing. */
    @DeleteMapping("/conditions/placed-orders")
    @RequiresScope(ApiScopes.ACCOUNTS_ADMIN)
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void clearPlacedOrders(@PathVariable UUID accountId, ApiCaller caller, HttpServletRequest request) {
        rules.ordersCleared(caller.accountId(), actor.of(caller).displayName(), ApiActor.client(request, caller));
    }

    private static ConditionView condition(SecurityRules saved) {
        return new ConditionView(saved.requiredByCondition(), saved.ordersPlacedAt());
    }

    private RulesView view(UUID accountId, SecurityRules saved) {
        List<String> choosable = choosable();
        boolean phoneRequired = rules.phoneRequired(saved);
        List<MemberRef> withoutPhone = List.of();
        if (phoneRequired) {
            // The members page's reckoning: a number of their own, or one for text-message codes.
            withoutPhone = accounts.members(accountId).stream()
                    .filter(m -> !m.phoneGiven() && factors.factor(m.userId(), SmsCodeMethod.TYPE).isEmpty())
                    .map(RulesResource::ref).toList();
        }
        return new RulesView(saved.required(), saved.requireTwoFactor(), saved.graceDays(),
                saved.allowedMethods().isEmpty() ? choosable
                        : choosable.stream().filter(saved.allowedMethods()::contains).toList(),
                choosable, saved.trustPeriod().name(), saved.requiredSince(), saved.ordersPlacedAt(), phoneRequired,
                withoutPhone);
    }

    private static MemberRef ref(Member m) {
        return new MemberRef(m.userId(), m.email(), m.displayName());
    }

    /** The kinds an admin may allow or not: those that stand on their own and can run here (the page's list). */
    private List<String> choosable() {
        return methods.all().stream().filter(m -> m.traits().standalone() && m.available())
                .map(SecondFactorMethod::type).map(FactorType::name).toList();
    }

    private static String periods() {
        return String.join(", ", Arrays.stream(DeviceTrustPeriod.values()).map(Enum::name).toList());
    }

    /** The service's problems (message keys of the page, by the page's field names) in the API's words and fields. */
    private List<ApiProblem.FieldError> errors(FieldProblems problems) {
        List<ApiProblem.FieldError> errors = new ArrayList<>();
        problems.byField().forEach((field, key) -> {
            switch (key) {
                case "rules.trust.invalid" -> errors.add(new ApiProblem.FieldError("trustPeriod",
                        "Must be one of " + periods() + "."));
                case "rules.grace.invalid" -> errors.add(new ApiProblem.FieldError("graceDays",
                        "Must be one of " + SecurityRules.GRACE_DAYS + "."));
                case "rules.allowed.none" -> errors.add(new ApiProblem.FieldError("allowedMethods",
                        "Allow at least one method."));
                case "rules.allowed.unknown" -> errors.add(new ApiProblem.FieldError("allowedMethods",
                        "Must be among " + choosable() + "."));
                default -> errors.add(new ApiProblem.FieldError("allowed".equals(field) ? "allowedMethods" : field,
                        "Not valid."));
            }
        });
        return errors;
    }
}

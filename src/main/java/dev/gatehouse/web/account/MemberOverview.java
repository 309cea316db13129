package dev.gatehouse.web.account;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.stereotype.Component;

import dev.gatehouse.account.AccountService;
import dev.gatehouse.account.Member;
import dev.gatehouse.account.SecurityRules;
import dev.gatehouse.account.SecurityRulesService;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.factor.EnrolledFactor;
import dev.gatehouse.factor.FactorService;
import dev.gatehouse.factor.SecondFactorMethod;
import dev.gatehouse.factor.SecondFactors;
import dev.gatehouse.factor.sms.SmsCodeMethod;

/**
 * What the members page and the rules page show about each member: their methods by kind (never anything secret),
 * whether a phone number is on file, when they last signed in, and which of the account's rules they do not meet.
 * A member has a phone on file when they gave one ({@code users.phone}, verified or not) or use text-message codes.
 * The last sign-in is their newest {@code SIGN_IN} audit event (the log already records every completed sign-in;
 * sessions are deleted when they end, so they cannot tell).
 */
@Component
class MemberOverview {

    static final String NO_METHOD = "rules.unmet.none";
    static final String DISALLOWED = "rules.unmet.disallowed";
    static final String NO_PHONE = "members.unmet.phone";

    private final AccountService accounts;
    private final FactorService factors;
    private final SecondFactors methods;
    private final SecurityRulesService rules;
    private final AuditLog audit;

    MemberOverview(AccountService accounts, FactorService factors, SecondFactors methods, SecurityRulesService rules,
                   AuditLog audit) {
        this.accounts = accounts;
        this.factors = factors;
        this.methods = methods;
        this.rules = rules;
        this.audit = audit;
    }

    /** One member's line. {@code lastSignIn} is null for someone who never signed in. */
    record Row(Member member, List<String> methodKinds, boolean phoneOnFile, Instant lastSignIn) {
        /** The id of their row on the members page, for links from elsewhere. */
        public String anchor() {
            return "member-" + member.userId();
        }
    }

    List<Row> rows(UUID accountId) {
        List<Member> members = accounts.members(accountId);
        Map<UUID, Instant> lastSignIns = audit.lastSignIns(members.stream().map(Member::userId).toList());
        return members.stream().map(m -> {
            List<String> kinds = factors.factors(m.userId()).stream().map(EnrolledFactor::type)
                    .map(t -> t.name()).distinct().toList();
            boolean phone = m.phoneGiven() || kinds.contains(SmsCodeMethod.TYPE.name());
            return new Row(m, kinds, phone, lastSignIns.get(m.userId()));
        }).toList();
    }

    /** A member who does not meet the account's rules, and why (message keys, in the order above). */
    record Unmet(Row row, List<String> reasons) {
    }

    /**
     * Who does not meet the saved rules: while they require two-step verification, those with no method and those
     * whose methods the account does not allow; while a phone is required (text messages allowed), those without one.
     * {@code counts}: how many members have each reason, for each reason that applies now (zeros included).
     */
    record Compliance(boolean phoneRequired, List<Unmet> unmet, Map<String, Integer> counts, List<Row> withoutPhone) {
        public boolean applies() {
            return !counts.isEmpty();
        }
    }

    Compliance compliance(SecurityRules saved, List<Row> rows) {
        boolean phoneRequired = rules.phoneRequired(saved);
        Map<String, Integer> counts = new LinkedHashMap<>();
        if (saved.required()) {
            counts.put(NO_METHOD, 0);
            counts.put(DISALLOWED, 0);
        }
        if (phoneRequired) {
            counts.put(NO_PHONE, 0);
        }
        List<Unmet> unmet = new ArrayList<>();
        for (Row row : rows) {
            List<String> reasons = new ArrayList<>();
            if (saved.required()) {
                List<SecondFactorMethod> own = methods.ordered(row.member().userId());
                if (own.isEmpty()) {
                    reasons.add(NO_METHOD);
                } else if (own.stream().noneMatch(m -> saved.allows(m.type().name()))) {
                    reasons.add(DISALLOWED);
                }
            }
            if (phoneRequired && !row.phoneOnFile()) {
                reasons.add(NO_PHONE);
            }
            reasons.forEach(r -> counts.merge(r, 1, Integer::sum));
            if (!reasons.isEmpty()) {
                unmet.add(new Unmet(row, reasons));
            }
        }
        List<Row> withoutPhone = phoneRequired ? rows.stream().filter(r -> !r.phoneOnFile()).toList() : List.of();
        return new Compliance(phoneRequired, unmet, counts, withoutPhone);
    }
}

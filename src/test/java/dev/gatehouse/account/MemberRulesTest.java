package dev.gatehouse.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** When a user's methods meet the rules of all their accounts ({@link MemberRules#unmetBy}). */
class MemberRulesTest {

    private static MemberRules rules(Set<String> allowed, MemberRules.Limit... limits) {
        return new MemberRules(true, null, allowed, Optional.of("Acme"), List.of(limits));
    }

    @Test
    void unmetByWhenNothingRequiredThenMetWithoutAnyMethod() {
        assertThat(MemberRules.NONE.unmetBy(List.of())).isEmpty();
    }

    @Test
    void unmetByWhenRequiredThenAnAllowedMethodMeetsItAndNoneOrOnlyDisallowedOnesDoNot() {
        MemberRules all = rules(Set.of());
        assertThat(all.unmetBy(List.of())).contains("Acme");
        assertThat(all.unmetBy(List.of("EMAIL"))).isEmpty();

        MemberRules appOnly = rules(Set.of("TOTP"), new MemberRules.Limit("Acme", Set.of("TOTP")));
        assertThat(appOnly.unmetBy(List.of("EMAIL", "SMS"))).contains("Acme");
        assertThat(appOnly.unmetBy(List.of("EMAIL", "TOTP"))).isEmpty();
    }

    @Test
    void unmetByWhenTheAccountsAllowSomethingInCommonThenOneSuchMethodMeetsEvery() {
        MemberRules common = rules(Set.of("TOTP"), new MemberRules.Limit("Acme", Set.of("TOTP", "EMAIL")),
                new MemberRules.Limit("Beta", Set.of("TOTP", "SMS")));
        assertThat(common.unmetBy(List.of("TOTP"))).isEmpty();
        assertThat(common.unmetBy(List.of("EMAIL", "SMS"))).as("no method both allow").contains("Acme");
        MemberRules smsBoth = rules(Set.of("SMS"), new MemberRules.Limit("Acme", Set.of("TOTP", "SMS")),
                new MemberRules.Limit("Beta", Set.of("SMS")));
        assertThat(smsBoth.unmetBy(List.of("TOTP"))).as("the account whose rule is not met").contains("Beta");
    }

    @Test
    void unmetByWhenTheAccountsAllowNothingInCommonThenNothingCanBeAddedAndOneMethodOfEachIsNeeded() {
        MemberRules apart = rules(Set.of(), new MemberRules.Limit("Acme", Set.of("TOTP")),
                new MemberRules.Limit("Own", Set.of("EMAIL")));
        assertThat(apart.disagree()).isTrue();
        assertThat(apart.allows("EMAIL")).as("neither may be added").isFalse();
        assertThat(apart.allows("TOTP")).isFalse();
        assertThat(apart.unmetBy(List.of("EMAIL"))).as("the other account's rule is not met").contains("Acme");
        assertThat(apart.unmetBy(List.of("TOTP"))).contains("Own");
        assertThat(apart.unmetBy(List.of("TOTP", "EMAIL"))).isEmpty();
    }
}

package dev.gatehouse.factor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The send limits' keys, defaults and checks (docs/configuration.md), and a page message for each limit. */
class CodePropertiesTest {

    static CodeProperties bind(Map<String, String> keys) {
        return new Binder(new MapConfigurationPropertySource(keys)).bindOrCreate("gatehouse.codes", CodeProperties.class);
    }

    @Test
    void defaultsWhenNothingSetThenEachBudgetIsSizedAboveNormalUse() {
        CodeProperties defaults = bind(Map.of());

        assertThat(defaults.limitWindow()).isEqualTo(Duration.ofMinutes(15));
        assertThat(defaults.userSendsPerWindow()).isEqualTo(10);
        assertThat(defaults.userSendsPerDay()).isEqualTo(50);
        assertThat(defaults.ipSendsPerWindow()).isEqualTo(30);
        assertThat(defaults.ipSendsPerDay()).isEqualTo(200);
        assertThat(defaults.destinationSetupSendsPerWindow()).isEqualTo(5);
        assertThat(defaults.destinationSetupSendsPerDay()).isEqualTo(10);
        assertThat(defaults.countrySetupSendsPerWindow()).isEqualTo(100);
        assertThat(defaults.countrySetupSendsPerDay()).isEqualTo(1000);
        // Issue 15's journey: three sign-ins, each with a code and a "Send a new code", on one channel.
        assertThat(defaults.userSendsPerWindow()).isGreaterThanOrEqualTo(3 * 2);
    }

    @Test
    void bindWhenTheKeysOfBeforeTheSplitAreSetThenTheyStillWorkPerChannelAndPurpose() {
        CodeProperties set = bind(Map.of("gatehouse.codes.user-sends-per-window", "7",
                "gatehouse.codes.user-sends-per-day", "30", "gatehouse.codes.ip-sends-per-window", "40",
                "gatehouse.codes.ip-sends-per-day", "400", "gatehouse.codes.limit-window", "10m"));

        assertThat(set.userSendsPerWindow()).isEqualTo(7);
        assertThat(set.userSendsPerDay()).isEqualTo(30);
        assertThat(set.ipSendsPerWindow()).isEqualTo(40);
        assertThat(set.ipSendsPerDay()).isEqualTo(400);
        assertThat(set.limitWindow()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void bindWhenAPerDayLimitIsBelowItsWindowOrALimitIsZeroThenRefusedAtStart() {
        for (Map<String, String> bad : Map.of(
                "destination", Map.of("gatehouse.codes.destination-setup-sends-per-window", "11"),
                "country", Map.of("gatehouse.codes.country-setup-sends-per-day", "99"),
                "zero", Map.of("gatehouse.codes.destination-setup-sends-per-window", "0",
                        "gatehouse.codes.destination-setup-sends-per-day", "0")).values()) {
            assertThatThrownBy(() -> bind(bad)).as(bad.toString()).hasRootCauseInstanceOf(IllegalArgumentException.class)
                    .rootCause().hasMessageContaining("each per-day limit at least its per-window limit");
        }
    }

    @Test
    void everyLimitHasAPageMessageSayingWhichItIs() throws Exception {
        Properties messages = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/messages.properties")) {
            messages.load(in);
        }
        assertThat(messages.getProperty("codes.limitReached")).as("the user's own").contains("You have asked");
        Arrays.stream(CodeSend.Budget.values()).filter(b -> b != CodeSend.Budget.USER).forEach(budget ->
                assertThat(messages.getProperty("budgets.limitReached." + budget.name())).as(budget.name())
                        .contains("{0}", "{1,choice,")
                        .as(budget.name() + ": the time {0} names its own zone").doesNotContain("UTC"));
    }
}

package dev.gatehouse.account;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Account rules that are the deployment's, not an admin's.
 *
 * @param conditionGracePeriod how long members of an account that a condition made require two-step verification
 *                             (e.g. it placed orders) may still postpone setting it up; default 7 days
 */
@ConfigurationProperties("gatehouse.accounts")
public record AccountRulesProperties(@DefaultValue("7d") Duration conditionGracePeriod) {

    public AccountRulesProperties {
        if (conditionGracePeriod.isNegative()) {
            throw new IllegalArgumentException("gatehouse.accounts.condition-grace-period must not be negative");
        }
    }
}

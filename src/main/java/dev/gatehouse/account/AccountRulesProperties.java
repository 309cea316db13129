package dev.gatehouse.account;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Account rules that are the deployment's, not an admin's.
 *
 * @param conditionGracePeriod how long members of an account that a condition made require two-step verification
 *                             (e.g. it placed orders) may still postpone setting it up; default 7 days
 * @param textMessagesByDefault whether an account created by sign-up starts the way our reference product's do: two-step
 *                             verification required from its first sign-in, with text-message codes among the allowed
 *                             methods, its owner asked for a mobile number on the sign-up form (only while an SMS
 *                             gateway is configured). Default on. Off: a new account starts with nothing required and
 *                             every method allowed, and its admins decide
 * @param mailsPerHour          emails one account may send to addresses its managers type in (invitations, sent
 *                             again or not, and links confirming extra alert addresses) in an hour; default 50. Anyone
 *                             can sign up and so manage an account: without it, one account could send any number of
 *                             invitations, with its own words in their subject, to any number of addresses
 * @param mailsPerDay           the same in a day; default 200. Raise both for a large onboarding
 */
@ConfigurationProperties("gatehouse.accounts")
public record AccountRulesProperties(@DefaultValue("7d") Duration conditionGracePeriod,
                                     @DefaultValue("true") boolean textMessagesByDefault,
                                     @DefaultValue("50") int mailsPerHour,
                                     @DefaultValue("200") int mailsPerDay) {

    public AccountRulesProperties {
        if (conditionGracePeriod.isNegative()) {
            throw new IllegalArgumentException("gatehouse.accounts.condition-grace-period must not be negative");
        }
        if (mailsPerHour < 1 || mailsPerDay < mailsPerHour) {
            throw new IllegalArgumentException("gatehouse.accounts.mails-per-hour must be at least 1 and"
                    + " mails-per-day at least as many");
        }
    }
}

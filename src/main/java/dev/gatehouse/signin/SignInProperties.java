package dev.gatehouse.signin;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param secondFactorWindow how long after the password the second factor may be given; default 10 minutes
 * @param reconfirmation     how long a re-confirmation (password, and a second factor when required) lasts, and how
 *                           recent a second factor must be to spare asking it again; default 15 minutes
 */
@ConfigurationProperties("gatehouse.signin")
public record SignInProperties(@DefaultValue("10m") Duration secondFactorWindow,
                               @DefaultValue("15m") Duration reconfirmation) {
}

package dev.gatehouse.signin;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Session lifetime beyond the idle timeout ({@code server.servlet.session.timeout}, default 30 minutes).
 *
 * @param absoluteLifetime a signed-in session ends this long after sign-in, however active; default 12 hours
 */
@ConfigurationProperties("gatehouse.session")
public record SessionProperties(@DefaultValue("12h") Duration absoluteLifetime) {
}

package dev.gatehouse.web.oidc;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

import org.springframework.security.authentication.AuthenticationProvider;

/**
 * One of Spring Authorization Server's providers with a rule of Gatehouse's in front of it: the same requests, asked
 * first of the rule, which answers or refuses some itself and hands the rest (or Spring's answer) on.
 */
abstract class InFrontOfSpring implements AuthenticationProvider {

    /** Spring's provider, which this one stands in front of. */
    final AuthenticationProvider spring;

    InFrontOfSpring(AuthenticationProvider spring) {
        this.spring = spring;
    }

    @Override
    public final boolean supports(Class<?> authentication) {
        return spring.supports(authentication);
    }

    /** For an endpoint's {@code authenticationProviders}: Spring's provider of that type replaced by {@code rule}. */
    static Consumer<List<AuthenticationProvider>> inFrontOf(Class<? extends AuthenticationProvider> type,
                                                           Function<AuthenticationProvider, InFrontOfSpring> rule) {
        return providers -> providers.replaceAll(provider -> type.isInstance(provider) ? rule.apply(provider) : provider);
    }
}

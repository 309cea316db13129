package dev.gatehouse.oidc;

import java.net.URI;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Profile;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.stereotype.Component;

/**
 * In the trial ({@code dev} profile) only, and only when {@code gatehouse.dev.example-app-url} is set: registers the
 * example relying application at that URL when the server is ready (README.md, "Trying it with an application").
 * Never in production: the {@code prod} profile leaves this out, and {@code system.ProductionReadiness} refuses to
 * start while the setting is there.
 */
@Component
@Profile("dev")
@ConditionalOnProperty(ExampleApp.SETTING)
class TrialExampleApp {

    private static final Logger log = LoggerFactory.getLogger(TrialExampleApp.class);

    private final OidcClients clients;
    private final RegisteredClientRepository store;
    private final URI url;

    TrialExampleApp(OidcClients clients, RegisteredClientRepository store, Environment env) {
        this.clients = clients;
        this.store = store;
        this.url = URI.create(env.getRequiredProperty(ExampleApp.SETTING));
        if (!"http".equals(url.getScheme()) || !"localhost".equals(url.getHost())) {
            throw new IllegalStateException(ExampleApp.SETTING + " must be an http://localhost:<port> URL");
        }
    }

    @EventListener(ApplicationReadyEvent.class)
    void register() {
        ExampleApp.register(clients, store, url);
        log.info("Trial: the example application at {} is registered as client {}", url, ExampleApp.CLIENT_ID);
    }
}

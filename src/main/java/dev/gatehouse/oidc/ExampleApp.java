package dev.gatehouse.oidc;

import java.net.URI;

import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/**
 * The example relying application (examples/relying-app) as a client of this server: client id {@value #CLIENT_ID},
 * a secret both sides know ({@value #TRIAL_SECRET}: it is in the example's own settings, so it protects nothing and
 * is only ever registered for the trial, see {@link TrialExampleApp}), its callback and home page at the URL it runs
 * on. Registering again replaces the client's URIs and secret and keeps its id, so a restart with another port works.
 */
public final class ExampleApp {

    public static final String CLIENT_ID = "example-app";
    public static final String TRIAL_SECRET = "example-app-trial-secret";
    /** The trial setting naming the URL the example runs at (docs/configuration.md); unset, nothing is registered. */
    public static final String SETTING = "gatehouse.dev.example-app-url";

    private ExampleApp() {
    }

    /** Registers (or re-registers) the example application running at {@code url}, e.g. {@code http://localhost:8090}. */
    public static RegisteredClient register(OidcClients clients, RegisteredClientRepository store, URI url) {
        String base = url.toString().replaceAll("/+$", "");
        RegisteredClient.Builder builder = clients.client(CLIENT_ID,
                        ClientSecrets.ENCODER.encode(TRIAL_SECRET))
                .clientName("Example app (trial)")
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
                .redirectUri(base + "/login/oauth2/code/gatehouse")
                .postLogoutRedirectUri(base + "/")
                .scope("openid").scope("email").scope("profile");
        RegisteredClient existing = store.findByClientId(CLIENT_ID);
        if (existing != null) {
            builder.id(existing.getId());
        }
        RegisteredClient client = builder.build();
        clients.save(client);
        return client;
    }
}

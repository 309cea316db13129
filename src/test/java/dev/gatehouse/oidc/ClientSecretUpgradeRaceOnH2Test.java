package dev.gatehouse.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.authentication.ClientSecretAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

import dev.gatehouse.testsupport.H2Test;
import dev.gatehouse.testsupport.TestUsers;

/**
 * Review (stop 25): the token endpoint rewrites a {@code {bcrypt}} secret as {@code {sha256}} by saving the whole
 * {@link RegisteredClient} it read before its bcrypt check (about 65 ms). An owner's change committed in that window
 * (a new secret, a removal, new redirect URIs) is overwritten or undone by that save. Each test runs the owner's
 * change at the one point of the window where it lands in production: after the token endpoint's read, before its
 * save (the store below does it on the read, so the order is exact rather than timed).
 */
@H2Test
class ClientSecretUpgradeRaceOnH2Test {

    @Autowired
    ApplicationContext context;
    @Autowired
    AccountClients clients;
    @Autowired
    RegisteredClientRepository store;
    @Autowired
    OAuth2AuthorizationService authorizations;
    @Autowired
    JdbcClient jdbc;

    TestUsers users;

    @BeforeEach
    void setUp() {
        users = new TestUsers(context);
    }

    @Test
    void newSecretWhileTheOldBcryptSecretIsBeingUpgradedThenTheNewSecretStays() {
        TestUsers.Created owner = users.create("race-secret");
        AccountClients.Register.Registered app = registeredBeforeStop25(owner);
        String[] fresh = new String[1];

        tokenEndpointUpgrades(app, () -> fresh[0] = clients.newSecret(owner.accountId(), owner.user().id(),
                app.clientId(), AccountClientsTests.CLIENT).orElseThrow());

        String stored = store.findByClientId(app.clientId()).getClientSecret();
        assertThat(ClientSecrets.ENCODER.matches(app.secret(), stored)).as("the replaced secret works again").isFalse();
        assertThat(ClientSecrets.ENCODER.matches(fresh[0], stored)).as("the new secret works").isTrue();
    }

    @Test
    void removeWhileTheBcryptSecretIsBeingUpgradedThenTheClientStaysRemoved() {
        TestUsers.Created owner = users.create("race-remove");
        AccountClients.Register.Registered app = registeredBeforeStop25(owner);

        tokenEndpointUpgrades(app, () -> clients.remove(owner.accountId(), owner.user().id(), app.clientId(),
                AccountClientsTests.CLIENT));

        assertThat(clients.list(owner.accountId())).isEmpty();
        assertThat(store.findByClientId(app.clientId())).as("a removed client, on no page, taking its old secret")
                .isNull();
    }

    @Test
    void changeUrisWhileTheBcryptSecretIsBeingUpgradedThenTheRemovedUriStaysRemoved() {
        TestUsers.Created owner = users.create("race-uris");
        AccountClients.Register.Registered app = registeredBeforeStop25(owner);

        tokenEndpointUpgrades(app, () -> clients.changeUris(owner.accountId(), owner.user().id(), app.clientId(),
                "https://app.example/callback", "", AccountClientsTests.CLIENT));

        assertThat(store.findByClientId(app.clientId()).getRedirectUris())
                .containsExactly("https://app.example/callback");
    }

    /** A client registered before stop 25: its secret stored as {@code {bcrypt}}. */
    private AccountClients.Register.Registered registeredBeforeStop25(TestUsers.Created owner) {
        AccountClients.Register.Registered app = (AccountClients.Register.Registered) clients.register(
                owner.accountId(), owner.user().id(), AccountClientsTests.web("Old app"), AccountClientsTests.CLIENT);
        jdbc.sql("update oauth2_registered_client set client_secret = ? where client_id = ?")
                .params("{bcrypt}" + new BCryptPasswordEncoder(4).encode(app.secret()), app.clientId()).update();
        assertThat(store.findByClientId(app.clientId()).getRedirectUris()).hasSize(2);
        return app;
    }

    /**
     * The token endpoint's client authentication as configured in {@code AuthorizationServerSecurity}, with the
     * app's old secret, while {@code ownerChange} commits between its read of the client and its save.
     */
    private void tokenEndpointUpgrades(AccountClients.Register.Registered app, Runnable ownerChange) {
        RegisteredClientRepository changedAfterTheRead = new RegisteredClientRepository() {
            @Override
            public void save(RegisteredClient client) {
                store.save(client);
            }

            @Override
            public RegisteredClient findById(String id) {
                return store.findById(id);
            }

            @Override
            public RegisteredClient findByClientId(String clientId) {
                RegisteredClient read = store.findByClientId(clientId);
                ownerChange.run();
                return read;
            }
        };
        ClientSecretAuthenticationProvider provider =
                new ClientSecretAuthenticationProvider(changedAfterTheRead, authorizations);
        provider.setPasswordEncoder(ClientSecrets.ENCODER);

        assertThat(provider.authenticate(new OAuth2ClientAuthenticationToken(app.clientId(),
                ClientAuthenticationMethod.CLIENT_SECRET_BASIC, app.secret(), null)).isAuthenticated()).isTrue();
    }
}

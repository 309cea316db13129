package dev.gatehouse.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.testsupport.TestUsers;

/**
 * Applications registered by an account's owners, at the service and in the store (H2 and PostgreSQL): what is
 * checked, how the client and its secret are stored, that a client is found in its own account only, and that a new
 * secret or a removal takes effect in the store at once.
 */
abstract class AccountClientsTests {

    static final ClientInfo CLIENT = new ClientInfo("198.51.100.23", "Mozilla/5.0 Firefox/140.0");
    static final PasswordEncoder TOKEN_ENDPOINT_ENCODER = ClientSecrets.ENCODER;

    @Autowired
    ApplicationContext context;
    @Autowired
    AccountClients clients;
    @Autowired
    RegisteredClientRepository store;
    @Autowired
    JdbcClient jdbc;

    TestUsers users;

    @BeforeEach
    void setUp() {
        users = new TestUsers(context);
    }

    static AccountClients.Registration web(String name) {
        return new AccountClients.Registration(name, " https://app.example/callback \n\nhttp://localhost:3000/cb",
                "https://app.example/signed-out", true, true, false);
    }

    AccountClients.Register.Registered register(TestUsers.Created owner, AccountClients.Registration form) {
        return (AccountClients.Register.Registered) clients.register(owner.accountId(), owner.user().id(), form, CLIENT);
    }

    /** Who may introspect whose tokens: a client its own, and its account's other clients'; nothing else. */
    @Test
    void sameAccountWhenBothRegisteredOnOneAccountThenTrueAndAcrossAccountsOrForACodeClientFalse() {
        TestUsers.Created owner = users.create("clients-same");
        TestUsers.Created other = users.create("clients-other");
        String billing = register(owner, web("Billing")).clientId();
        String shop = register(owner, web("Shop")).clientId();
        String theirs = register(other, web("Theirs")).clientId();
        String inCode = "code-client-" + UUID.randomUUID();
        OidcClients code = context.getBean(OidcClients.class);
        code.save(code.client(inCode, null).redirectUri("https://code.example/cb").scope("openid").build());

        assertThat(clients.sameAccount(billing, shop)).isTrue();
        assertThat(clients.sameAccount(shop, billing)).isTrue();
        assertThat(clients.sameAccount(billing, billing)).isTrue();
        assertThat(clients.sameAccount(billing, theirs)).isFalse();
        assertThat(clients.sameAccount(theirs, shop)).isFalse();
        assertThat(clients.sameAccount(inCode, billing)).isFalse();
        assertThat(clients.sameAccount(billing, inCode)).isFalse();
        assertThat(clients.sameAccount(inCode, inCode)).isTrue();
    }

    @Test
    void registerWhenConfidentialThenRandomIdSecretStoredEncodedTiedToTheAccountAndAudited() {
        TestUsers.Created owner = users.create("clients-web");
        AccountClients.Register.Registered registered = register(owner, web("Billing"));

        assertThat(registered.clientId()).matches("gh_[A-Za-z0-9_-]{22}").doesNotContain("Billing");
        assertThat(registered.secret()).matches("[A-Za-z0-9_-]{43}"); // 256 bits
        RegisteredClient stored = store.findByClientId(registered.clientId());
        assertThat(stored.getClientName()).isEqualTo("Billing");
        assertThat(stored.getClientSecret()).startsWith("{sha256}").doesNotContain(registered.secret());
        assertThat(TOKEN_ENDPOINT_ENCODER.matches(registered.secret(), stored.getClientSecret())).isTrue();
        assertThat(stored.getClientAuthenticationMethods()).containsExactlyInAnyOrder(
                ClientAuthenticationMethod.CLIENT_SECRET_BASIC, ClientAuthenticationMethod.CLIENT_SECRET_POST);
        assertThat(stored.getAuthorizationGrantTypes()).containsExactlyInAnyOrder(
                AuthorizationGrantType.AUTHORIZATION_CODE, AuthorizationGrantType.REFRESH_TOKEN);
        assertThat(stored.getRedirectUris()).containsExactlyInAnyOrder("https://app.example/callback",
                "http://localhost:3000/cb");
        assertThat(stored.getPostLogoutRedirectUris()).containsExactly("https://app.example/signed-out");
        assertThat(stored.getScopes()).containsExactlyInAnyOrder("openid", "email");
        assertThat(stored.getClientSettings().isRequireProofKey()).isFalse();

        assertThat(jdbc.sql("select account_id, created_by from account_clients where registered_client_id = ?")
                .param(stored.getId()).query((rs, n) -> rs.getObject(1, UUID.class) + " " + rs.getObject(2, UUID.class))
                .single()).isEqualTo(owner.accountId() + " " + owner.user().id());
        assertThat(jdbc.sql("select user_id || ' ' || detail from audit_events where account_id = ? and type = 'APPLICATION_REGISTERED'")
                .param(owner.accountId()).query(String.class).single())
                .isEqualTo(owner.user().id() + " " + registered.clientId() + " (confidential)");
        assertThat(clients.list(owner.accountId())).singleElement().satisfies(c -> {
            assertThat(c.clientId()).isEqualTo(registered.clientId());
            assertThat(c.confidential()).isTrue();
            assertThat(c.redirectUris()).hasSize(2);
        });
    }

    @Test
    void registerWhenPublicThenNoSecretPkceRequiredAndCodeGrantOnly() {
        TestUsers.Created owner = users.create("clients-spa");
        AccountClients.Register.Registered registered = register(owner, new AccountClients.Registration("SPA",
                "https://spa.example/cb", "", false, false, true));

        assertThat(registered.secret()).isNull();
        RegisteredClient stored = store.findByClientId(registered.clientId());
        assertThat(stored.getClientSecret()).isNull();
        assertThat(stored.getClientAuthenticationMethods()).containsExactly(ClientAuthenticationMethod.NONE);
        assertThat(stored.getAuthorizationGrantTypes()).containsExactly(AuthorizationGrantType.AUTHORIZATION_CODE);
        assertThat(stored.getClientSettings().isRequireProofKey()).isTrue();
        assertThat(stored.getScopes()).containsExactlyInAnyOrder("openid", "profile");
        assertThat(clients.newSecret(owner.accountId(), owner.user().id(), registered.clientId(), CLIENT)).isEmpty();
    }

    @Test
    void registerWhenServiceThenClientCredentialsOnlyWithTheTickedApiScopesASecretAndNoRedirect() {
        TestUsers.Created owner = users.create("clients-service");
        AccountClients.Register.Registered registered = register(owner, AccountClients.Registration.service(
                "Billing sync", java.util.Set.of(ApiScopes.USERS_WRITE, ApiScopes.USERS_READ)));

        assertThat(registered.secret()).matches("[A-Za-z0-9_-]{43}");
        RegisteredClient stored = store.findByClientId(registered.clientId());
        assertThat(stored.getAuthorizationGrantTypes()).containsExactly(AuthorizationGrantType.CLIENT_CREDENTIALS);
        assertThat(stored.getScopes()).containsExactlyInAnyOrder(ApiScopes.USERS_READ, ApiScopes.USERS_WRITE);
        assertThat(stored.getRedirectUris()).isEmpty();
        assertThat(TOKEN_ENDPOINT_ENCODER.matches(registered.secret(), stored.getClientSecret())).isTrue();
        assertThat(clients.accountOfService(registered.clientId(), Optional.empty())).contains(owner.accountId());
        assertThat(clients.accountOfStored(stored.getId())).contains(owner.accountId());
        assertThat(clients.list(owner.accountId())).singleElement().satisfies(c -> {
            assertThat(c.service()).isTrue();
            assertThat(c.scopes()).containsExactly(ApiScopes.USERS_READ, ApiScopes.USERS_WRITE);
        });
        assertThat(jdbc.sql("select detail from audit_events where account_id = ? and type = 'APPLICATION_REGISTERED'")
                .param(owner.accountId()).query(String.class).single())
                .isEqualTo(registered.clientId() + " (service: users:read users:write)");
    }

    /** An account has at most 50 applications and services: each multiplies the per-client budgets (stop 38). */
    @Test
    void registerWhenTheAccountHasFiftyThenRefusedNamingTheLimitAndAnotherAccountGoesOn() {
        TestUsers.Created owner = users.create("clients-limit");
        for (int i = 0; i < AccountClients.MAX_CLIENTS; i++) {
            register(owner, i % 2 == 0 ? web("App " + i) : AccountClients.Registration.service("Sync " + i,
                    java.util.Set.of(ApiScopes.USERS_READ)));
        }
        int before = count();

        assertThat(clients.register(owner.accountId(), owner.user().id(), web("One more"), CLIENT))
                .isEqualTo(new AccountClients.Register.Invalid(new dev.gatehouse.account.FieldProblems(
                        Map.of("name", "clients.limit"))));
        assertThat(clients.register(owner.accountId(), owner.user().id(), AccountClients.Registration.service(
                "One more", java.util.Set.of(ApiScopes.USERS_READ)), CLIENT))
                .isInstanceOf(AccountClients.Register.Invalid.class);
        assertThat(count()).isEqualTo(before);
        register(users.create("clients-limit-other"), web("Elsewhere"));
        assertThat(clients.list(owner.accountId())).hasSize(AccountClients.MAX_CLIENTS);
    }

    @Test
    void registerWhenServiceWithoutOrWithUnknownScopesThenRefusedAndNothingIsWritten() {
        TestUsers.Created owner = users.create("clients-service-bad");
        int before = count();
        assertThat(clients.register(owner.accountId(), owner.user().id(),
                AccountClients.Registration.service("Sync", java.util.Set.of()), CLIENT))
                .isEqualTo(new AccountClients.Register.Invalid(new dev.gatehouse.account.FieldProblems(
                        Map.of("apiScopes", "clients.apiScopes.required"))));
        assertThat(clients.register(owner.accountId(), owner.user().id(),
                AccountClients.Registration.service("Sync", java.util.Set.of(ApiScopes.USERS_READ, "openid")), CLIENT))
                .isEqualTo(new AccountClients.Register.Invalid(new dev.gatehouse.account.FieldProblems(
                        Map.of("apiScopes", "clients.apiScopes.invalid"))));
        assertThat(count()).isEqualTo(before);
        // A web application is no service, whatever it is called.
        AccountClients.Register.Registered web = register(owner, web("Web"));
        assertThat(clients.accountOfService(web.clientId(), Optional.empty())).isEmpty();
    }

    @Test
    void registerWhenAnyFieldIsWrongThenEachFieldSaysWhyAndNothingIsWritten() {
        TestUsers.Created owner = users.create("clients-bad");
        int before = count();
        AccountClients.Register result = clients.register(owner.accountId(), owner.user().id(),
                new AccountClients.Registration(" ", "http://app.example/cb", "https://app.example/out#x", true,
                        false, false), CLIENT);

        assertThat(result).isEqualTo(new AccountClients.Register.Invalid(new dev.gatehouse.account.FieldProblems(
                Map.of("name", "clients.name.required", "redirectUris", "clients.uri.https",
                        "postLogoutUris", "clients.uri.fragment"))));
        assertThat(count()).isEqualTo(before);
        assertThat(clients.list(owner.accountId())).isEmpty();
        assertThat(jdbc.sql("select count(*) from audit_events where account_id = ? and type = 'APPLICATION_REGISTERED'")
                .param(owner.accountId()).query(Integer.class).single()).isZero();
    }

    @Test
    void uriWhenNotExactOrNotSafeThenRefusedWithItsReason() {
        assertThat(AccountClients.uri("https://app.example/callback?x=1")).isEmpty();
        assertThat(AccountClients.uri("http://127.0.0.1:8080/cb")).isEmpty();
        assertThat(AccountClients.uri("http://[::1]:8080/cb")).isEmpty();
        assertThat(AccountClients.uri("http://LOCALHOST/cb")).isEmpty();
        assertThat(AccountClients.uri("http://app.example/cb")).contains("clients.uri.https");
        assertThat(AccountClients.uri("http://localhost.evil.example/cb")).contains("clients.uri.https");
        assertThat(AccountClients.uri("https://app.example/cb#done")).contains("clients.uri.fragment");
        assertThat(AccountClients.uri("https://*.app.example/cb")).contains("clients.uri.wildcard");
        assertThat(AccountClients.uri("https://app.example/*")).contains("clients.uri.wildcard");
        assertThat(AccountClients.uri("https://user:pw@app.example/cb")).contains("clients.uri.userInfo");
        assertThat(AccountClients.uri("/callback")).contains("clients.uri.invalid");
        assertThat(AccountClients.uri("javascript:alert(1)")).contains("clients.uri.invalid");
        assertThat(AccountClients.uri("ftp://app.example/cb")).contains("clients.uri.https");
        assertThat(AccountClients.uri("https://app.example/a,b")).contains("clients.uri.invalid");
        assertThat(AccountClients.uris("", true)).contains("clients.uris.required");
        assertThat(AccountClients.uris("", false)).isEmpty();
        String eleven = java.util.stream.IntStream.range(0, 11).mapToObj(i -> "https://app.example/" + i)
                .collect(java.util.stream.Collectors.joining("\n"));
        assertThat(AccountClients.uris(eleven, true)).contains("clients.uris.tooMany");
    }

    @Test
    void newSecretWhenOwnAccountThenOldStopsAndNewMatchesAndAnotherAccountFindsNothing() {
        TestUsers.Created owner = users.create("clients-secret");
        TestUsers.Created other = users.create("clients-secret-other");
        AccountClients.Register.Registered registered = register(owner, web("App"));

        assertThat(clients.find(other.accountId(), registered.clientId())).isEmpty();
        assertThat(clients.newSecret(other.accountId(), other.user().id(), registered.clientId(), CLIENT)).isEmpty();
        assertThat(clients.remove(other.accountId(), other.user().id(), registered.clientId(), CLIENT)).isFalse();
        assertThat(store.findByClientId(registered.clientId())).isNotNull();

        String id = store.findByClientId(registered.clientId()).getId();
        String otherId = store.findByClientId(register(owner, web("Other")).clientId()).getId();
        authorization(id, "code", null);
        authorization(id, "code", "token");
        authorization(otherId, "code", "token");

        Optional<String> fresh = clients.newSecret(owner.accountId(), owner.user().id(), registered.clientId(), CLIENT);
        String encoded = store.findByClientId(registered.clientId()).getClientSecret();
        assertThat(TOKEN_ENDPOINT_ENCODER.matches(registered.secret(), encoded)).isFalse();
        assertThat(TOKEN_ENDPOINT_ENCODER.matches(fresh.orElseThrow(), encoded)).isTrue();
        // What the old secret may have obtained goes with it; the account's other application keeps its own.
        assertThat(authorizations(id)).isZero();
        assertThat(authorizations(otherId)).isOne();
        assertThat(jdbc.sql("select detail from audit_events where account_id = ? and type = 'APPLICATION_SECRET_REPLACED'")
                .param(owner.accountId()).query(String.class).single()).isEqualTo(registered.clientId());
    }

    @Test
    void removeWhenOwnAccountThenClientAndItsAuthorizationsGoAndOthersStay() {
        TestUsers.Created owner = users.create("clients-remove");
        AccountClients.Register.Registered gone = register(owner, web("Gone"));
        AccountClients.Register.Registered kept = register(owner, web("Kept"));
        String goneId = store.findByClientId(gone.clientId()).getId();
        String keptId = store.findByClientId(kept.clientId()).getId();
        authorization(goneId);
        authorization(keptId);

        assertThat(clients.remove(owner.accountId(), owner.user().id(), gone.clientId(), CLIENT)).isTrue();

        assertThat(store.findByClientId(gone.clientId())).isNull();
        assertThat(authorizations(goneId)).isZero();
        assertThat(authorizations(keptId)).isOne();
        assertThat(clients.list(owner.accountId())).extracting(AccountClients.AccountClient::clientId)
                .containsExactly(kept.clientId());
        assertThat(clients.remove(owner.accountId(), owner.user().id(), gone.clientId(), CLIENT)).isFalse();
        assertThat(jdbc.sql("select detail from audit_events where account_id = ? and type = 'APPLICATION_REMOVED'")
                .param(owner.accountId()).query(String.class).single()).isEqualTo(gone.clientId());
    }

    @Test
    void changeUrisWhenOwnAccountThenStoreTakesThemPendingCodesGoAndItIsAudited() {
        TestUsers.Created owner = users.create("clients-uris");
        TestUsers.Created other = users.create("clients-uris-other");
        AccountClients.Register.Registered registered = register(owner, web("App"));
        String id = store.findByClientId(registered.clientId()).getId();
        authorization(id, "pending-code", null);
        authorization(id, "used-code", "token");

        assertThat(clients.changeUris(other.accountId(), other.user().id(), registered.clientId(),
                "https://evil.example/cb", "", CLIENT)).isInstanceOf(AccountClients.Change.NotFound.class);
        AccountClients.Change changed = clients.changeUris(owner.accountId(), owner.user().id(),
                registered.clientId(), "https://app.example/new-callback\n https://app.example/other ",
                "", CLIENT);

        assertThat(changed).isInstanceOf(AccountClients.Change.Changed.class);
        RegisteredClient stored = store.findByClientId(registered.clientId());
        assertThat(stored.getRedirectUris()).containsExactlyInAnyOrder("https://app.example/new-callback",
                "https://app.example/other");
        assertThat(stored.getPostLogoutRedirectUris()).isEmpty();
        assertThat(clients.find(owner.accountId(), registered.clientId()).orElseThrow().redirectUris())
                .containsExactly("https://app.example/new-callback", "https://app.example/other");
        assertThat(jdbc.sql("select authorization_code_value from oauth2_authorization where registered_client_id = ?")
                .param(id).query(String.class).list()).containsExactly("used-code");
        assertThat(jdbc.sql("select detail from audit_events where account_id = ? and type = 'APPLICATION_URIS_CHANGED'")
                .param(owner.accountId()).query(String.class).single()).isEqualTo(registered.clientId());
    }

    @Test
    void changeUrisWhenAnyIsWrongThenEachFieldSaysWhyAndNothingChanges() {
        TestUsers.Created owner = users.create("clients-uris-bad");
        AccountClients.Register.Registered registered = register(owner, web("App"));

        AccountClients.Change refused = clients.changeUris(owner.accountId(), owner.user().id(),
                registered.clientId(), "http://app.example/callback", "https://app.example/*", CLIENT);

        assertThat(refused).isInstanceOf(AccountClients.Change.Invalid.class);
        assertThat(((AccountClients.Change.Invalid) refused).problems().byField())
                .containsEntry("redirectUris", "clients.uri.https")
                .containsEntry("postLogoutUris", "clients.uri.wildcard");
        assertThat(clients.changeUris(owner.accountId(), owner.user().id(), registered.clientId(), " \n ", "",
                CLIENT)).isInstanceOf(AccountClients.Change.Invalid.class);
        assertThat(store.findByClientId(registered.clientId()).getRedirectUris())
                .containsExactlyInAnyOrder("https://app.example/callback", "http://localhost:3000/cb");
        assertThat(jdbc.sql("select count(*) from audit_events where account_id = ? and type = 'APPLICATION_URIS_CHANGED'")
                .param(owner.accountId()).query(Integer.class).single()).isZero();
    }

    private void authorization(String registeredClientId, String code, String accessToken) {
        jdbc.sql("""
                insert into oauth2_authorization (id, registered_client_id, principal_name, authorization_grant_type,
                authorization_code_value, access_token_value) values (?, ?, ?, 'authorization_code', ?, ?)""")
                .params(UUID.randomUUID().toString(), registeredClientId, UUID.randomUUID().toString(), code,
                        accessToken).update();
    }

    private void authorization(String registeredClientId) {
        jdbc.sql("""
                insert into oauth2_authorization (id, registered_client_id, principal_name, authorization_grant_type)
                values (?, ?, ?, 'authorization_code')""")
                .params(UUID.randomUUID().toString(), registeredClientId, UUID.randomUUID().toString()).update();
    }

    private int authorizations(String registeredClientId) {
        return jdbc.sql("select count(*) from oauth2_authorization where registered_client_id = ?")
                .param(registeredClientId).query(Integer.class).single();
    }

    private int count() {
        return jdbc.sql("select count(*) from oauth2_registered_client").query(Integer.class).single();
    }
}

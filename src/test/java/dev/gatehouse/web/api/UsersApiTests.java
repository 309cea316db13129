package dev.gatehouse.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.util.Map;
import java.util.UUID;

import tools.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import dev.gatehouse.oidc.ApiScopes;
import dev.gatehouse.testsupport.TestUsers;

/**
 * The users resource through HTTP with real tokens (H2 and PostgreSQL): list with paging and filters, invite once per
 * Idempotency-Key, read, rename, change role and remove through the services the pages use (same rules: the last
 * owner keeps the role), audited with the client named; another account's users are 404; validation lists fields.
 */
abstract class UsersApiTests extends ApiSupport {

    record Setup(TestUsers.Created owner, String read, String write, String path) {
    }

    Setup setup(String name) throws Exception {
        TestUsers.Created owner = users().create(name);
        Service service = service(owner, ApiScopes.USERS_READ, ApiScopes.USERS_WRITE);
        return new Setup(owner, token(service, ApiScopes.USERS_READ),
                token(service, ApiScopes.USERS_READ, ApiScopes.USERS_WRITE),
                "/api/v1/accounts/" + owner.accountId() + "/users");
    }

    TestUsers.Created join(TestUsers.Created owner, String name, String role) {
        TestUsers.Created user = users().create(name);
        jdbc().sql("insert into memberships (account_id, user_id, role, created_at) values (?, ?, ?, ?)")
                .params(owner.accountId(), user.user().id(), role, Timestamp.from(clock().instant())).update();
        return user;
    }

    /** A new user who belongs to the owner's account only (others' changes would reach no other account). */
    TestUsers.Created joinOnly(TestUsers.Created owner, String name, String role) {
        TestUsers.Created user = users().create(name);
        jdbc().sql("delete from memberships where user_id = ?").param(user.user().id()).update();
        jdbc().sql("insert into memberships (account_id, user_id, role, created_at) values (?, ?, ?, ?)")
                .params(owner.accountId(), user.user().id(), role, Timestamp.from(clock().instant())).update();
        return user;
    }

    String role(TestUsers.Created owner, TestUsers.Created user) {
        return jdbc().sql("select role from memberships where user_id = ? and account_id = ?")
                .params(user.user().id(), owner.accountId()).query(String.class).single();
    }

    long invitations(UUID accountId, String email) {
        return jdbc().sql("select count(*) from invitations where account_id = ? and email = ?")
                .params(accountId, email).query(Long.class).single();
    }

    @Test
    void listWhenPagedAndFilteredThenOnlyThisAccountsUsers() throws Exception {
        Setup s = setup("users-list");
        join(s.owner(), "users-list-admin", "ADMIN");
        join(s.owner(), "users-list-m1", "MEMBER");
        join(s.owner(), "users-list-m2", "MEMBER");
        setup("users-list-other");

        JsonNode all = get(s.path(), s.read()).json();
        assertThat(all.get("total").asInt()).isEqualTo(4);
        JsonNode page = get(s.path() + "?size=2&page=1", s.read()).json();
        assertThat(page.get("items")).hasSize(2);
        assertThat(page.get("page").asInt()).isEqualTo(1);
        JsonNode members = get(s.path() + "?role=MEMBER&status=active", s.read()).json();
        assertThat(members.get("total").asInt()).isEqualTo(2);
        members.get("items").forEach(u -> assertThat(u.get("role").asString()).isEqualTo("MEMBER"));
        JsonNode byEmail = get(s.path() + "?email=USERS-LIST-ADMIN", s.read()).json();
        assertThat(byEmail.get("items")).singleElement()
                .satisfies(u -> assertThat(u.get("role").asString()).isEqualTo("ADMIN"));

        Answer bad = get(s.path() + "?size=1000&role=KING", s.read());
        assertProblem(bad, 400, "invalid-request");
        assertThat(fields(bad.json())).containsExactlyInAnyOrder("size", "role");
    }

    @Test
    void inviteWhenSameIdempotencyKeyTwiceThenOneInvitationAndTheSameAnswer() throws Exception {
        Setup s = setup("users-invite");
        String email = "invited-" + UUID.randomUUID() + "@example.com";
        // New accounts send codes by SMS, so their rules want a phone number for each person invited.
        String body = "{\"email\":\"" + email + "\",\"role\":\"MEMBER\",\"phone\":\"+447400123456\"}";
        Map<String, String> key = Map.of("Idempotency-Key", UUID.randomUUID().toString());

        Answer first = post(s.path(), s.write(), body, key);
        assertThat(first.status()).as(first.raw().body()).isEqualTo(201);
        assertThat(first.json().get("status").asString()).isEqualTo("invited");
        Answer again = post(s.path(), s.write(), body, key);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.raw().body()).isEqualTo(first.raw().body());
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.header("Location")).isEqualTo(first.header("Location"));
        assertThat(invitations(s.owner().accountId(), email)).isEqualTo(1);

        Answer tooBig = post(s.path(), s.write(), body + " ".repeat(IdempotencyFilter.BODY_MAX),
                Map.of("Idempotency-Key", UUID.randomUUID().toString()));
        assertProblem(tooBig, 413, "body-too-large");
        assertProblem(post(s.path(), s.write(), body, Map.of("Idempotency-Key", "no spaces allowed")), 400,
                "invalid-request");

        Answer reused = post(s.path(), s.write(), body.replace("MEMBER", "ADMIN"), key);
        assertProblem(reused, 422, "idempotency-key-reused");
        // Without a key, a second invitation to the same address is refused by the service's own rule.
        Answer twice = post(s.path(), s.write(), body, Map.of());
        assertProblem(twice, 400, "invalid-request");
        assertThat(fields(twice.json())).containsExactly("email");

        assertThat(get(s.path() + "?status=invited", s.read()).json().get("total").asInt()).isEqualTo(1);
        assertThat(jdbc().sql("select user_agent from audit_events where account_id = ? and type = 'INVITATION_SENT'")
                .param(s.owner().accountId()).query(String.class).single())
                .startsWith(ApiActor.AGENT_PREFIX + "gh_");
    }

    @Test
    void inviteWhenFieldsInvalidOrScopeMissingThenEachFieldOr403AndNothingSent() throws Exception {
        Setup s = setup("users-invalid");
        Answer invalid = post(s.path(), s.write(), "{\"email\":\"\",\"role\":\"KING\"}", Map.of());
        assertProblem(invalid, 400, "invalid-request");
        assertThat(fields(invalid.json())).containsExactly("email", "role");
        Answer notEmail = post(s.path(), s.write(), "{\"email\":\"nobody\",\"role\":\"MEMBER\"}", Map.of());
        assertProblem(notEmail, 400, "invalid-request");
        assertThat(fields(notEmail.json())).as("the account's rules want a phone too").containsExactly("email", "phone");
        assertProblem(post(s.path(), s.write(), "{not json", Map.of()), 400, "invalid-request");

        Answer readOnly = post(s.path(), s.read(), "{\"email\":\"x@example.com\",\"role\":\"MEMBER\"}", Map.of());
        assertProblem(readOnly, 403, "insufficient-scope");
        assertThat(invitations(s.owner().accountId(), "x@example.com")).isZero();
    }

    @Test
    void userWhenReadRenamedAndRoleChangedThenTheServicesRulesApplyAndTheClientIsNamed() throws Exception {
        Setup s = setup("users-change");
        TestUsers.Created bob = joinOnly(s.owner(), "users-change-bob", "MEMBER");
        String bobPath = s.path() + "/" + bob.user().id();

        assertThat(get(bobPath, s.read()).json().get("email").asString()).isEqualTo(bob.email());
        Answer renamed = send("PATCH", bobPath, s.write(), "{\"displayName\":\"Robert\"}");
        assertThat(renamed.status()).as(renamed.raw().body()).isEqualTo(200);
        assertThat(renamed.json().get("displayName").asString()).isEqualTo("Robert");
        assertProblem(send("PATCH", bobPath, s.write(), "{\"displayName\":\"\"}"), 400, "invalid-request");

        Answer promoted = send("PUT", bobPath + "/role", s.write(), "{\"role\":\"ADMIN\"}");
        assertThat(promoted.status()).as(promoted.raw().body()).isEqualTo(200);
        assertThat(promoted.json().get("role").asString()).isEqualTo("ADMIN");
        assertThat(jdbc().sql("select detail from audit_events where user_id = ? and type = 'MEMBER_ROLE_CHANGED'")
                .param(bob.user().id()).query(String.class).single())
                .startsWith("MEMBER -> ADMIN by Billing sync (API client)");

        // The last owner keeps the role, as on the Members page.
        Answer lastOwner = send("PUT", s.path() + "/" + s.owner().user().id() + "/role", s.write(),
                "{\"role\":\"MEMBER\"}");
        assertProblem(lastOwner, 409, "conflict");
        assertProblem(send("PUT", bobPath + "/role", s.write(), "{\"role\":\"KING\"}"), 400, "invalid-request");
    }

    /**
     * A leaked users:write secret must not be enough to take the account over: the API makes no owner, changes or
     * removes no owner, never demotes or removes the person the client acts for, and renames nobody who is in other
     * accounts too (a name is theirs everywhere).
     */
    @Test
    void roleRemoveAndRenameWhenOwnersTheRegistrantOrAUserOfOtherAccountsThenRefusedAndNothingChanges()
            throws Exception {
        Setup s = setup("users-takeover");
        TestUsers.Created coOwner = joinOnly(s.owner(), "users-takeover-co", "OWNER");
        TestUsers.Created mallory = joinOnly(s.owner(), "users-takeover-mallory", "MEMBER");
        TestUsers.Created shared = join(s.owner(), "users-takeover-shared", "MEMBER");
        String coOwnerPath = s.path() + "/" + coOwner.user().id();
        String ownPath = s.path() + "/" + s.owner().user().id();

        assertProblem(send("PUT", s.path() + "/" + mallory.user().id() + "/role", s.write(), "{\"role\":\"OWNER\"}"),
                400, "invalid-request");
        assertProblem(send("PUT", coOwnerPath + "/role", s.write(), "{\"role\":\"MEMBER\"}"), 409, "conflict");
        assertProblem(send("DELETE", coOwnerPath, s.write(), null), 409, "conflict");
        assertProblem(send("PATCH", coOwnerPath, s.write(), "{\"displayName\":\"Not the owner\"}"), 409,
                "conflict");
        assertProblem(send("PUT", ownPath + "/role", s.write(), "{\"role\":\"ADMIN\"}"), 409, "conflict");
        assertProblem(send("DELETE", ownPath, s.write(), null), 409, "conflict");
        assertProblem(send("PATCH", s.path() + "/" + shared.user().id(), s.write(), "{\"displayName\":\"Renamed\"}"),
                409, "conflict");

        assertThat(role(s.owner(), mallory)).isEqualTo("MEMBER");
        assertThat(role(s.owner(), coOwner)).isEqualTo("OWNER");
        assertThat(role(s.owner(), s.owner())).isEqualTo("OWNER");
        assertThat(jdbc().sql("select display_name from users where id in (?, ?)")
                .params(coOwner.user().id(), shared.user().id()).query(String.class).list())
                .doesNotContain("Not the owner", "Renamed");
        assertThat(send("PUT", s.path() + "/" + shared.user().id() + "/role", s.write(), "{\"role\":\"ADMIN\"}")
                .status()).as("a role here is this account's own, whoever else they belong to").isEqualTo(200);
    }

    /**
     * Found by an outside attack in stop 31: one round in 24 of "make owner" on the page racing a demotion through the
     * API demoted the new owner, because the API's "never an owner" check was a plain read before the change's lock.
     * Held here as the page's change holds it, with the promotion committed before the API may look.
     */
    @Test
    void roleWhenTheMemberIsMadeAnOwnerOnThePageAtTheSameMomentThenTheApiRefusesAndTheyStayOwner() throws Exception {
        Setup s = setup("users-race");
        TestUsers.Created promoted = joinOnly(s.owner(), "users-race-admin", "ADMIN");
        Answer demoted = dev.gatehouse.testsupport.Race.whileHeld(
                ctx.getBean(org.springframework.transaction.support.TransactionTemplate.class),
                () -> jdbc().sql("select id from accounts where id = ? for update").param(s.owner().accountId())
                        .query(java.util.UUID.class).single(),
                () -> jdbc().sql("update memberships set role = 'OWNER' where account_id = ? and user_id = ?")
                        .params(s.owner().accountId(), promoted.user().id()).update(),
                () -> send("PUT", s.path() + "/" + promoted.user().id() + "/role", s.write(), "{\"role\":\"MEMBER\"}"));
        assertProblem(demoted, 409, "conflict");
        assertThat(role(s.owner(), promoted)).isEqualTo("OWNER");
    }

    @Test
    void userWhenRemovedThenGoneFromTheAccountAnd404After() throws Exception {
        Setup s = setup("users-remove");
        TestUsers.Created carol = join(s.owner(), "users-remove-carol", "MEMBER");
        String carolPath = s.path() + "/" + carol.user().id();

        assertThat(send("DELETE", carolPath, s.write(), null).status()).isEqualTo(204);
        assertProblem(get(carolPath, s.read()), 404, "not-found");
        assertThat(jdbc().sql("select count(*) from memberships where user_id = ?").param(carol.user().id())
                .query(Long.class).single()).isEqualTo(1); // still the owner of her own account
    }

    @Test
    void userWhenOfAnotherAccountThen404AndNothingChanges() throws Exception {
        Setup attacker = setup("users-attacker");
        TestUsers.Created victim = users().create("users-victim");
        String victimInOwnPath = attacker.path() + "/" + victim.user().id();
        String victimAccountPath = "/api/v1/accounts/" + victim.accountId() + "/users/" + victim.user().id();

        assertProblem(get(victimInOwnPath, attacker.read()), 404, "not-found");
        assertProblem(send("PUT", victimInOwnPath + "/role", attacker.write(), "{\"role\":\"MEMBER\"}"), 404,
                "not-found");
        assertProblem(send("DELETE", victimInOwnPath, attacker.write(), null), 404, "not-found");
        assertProblem(get(victimAccountPath, attacker.read()), 404, "not-found");
        assertProblem(send("PUT", victimAccountPath + "/role", attacker.write(), "{\"role\":\"MEMBER\"}"), 404,
                "not-found");
        assertProblem(get(attacker.path() + "/not-a-uuid", attacker.read()), 404, "not-found");
        assertThat(jdbc().sql("select role from memberships where user_id = ? and account_id = ?")
                .params(victim.user().id(), victim.accountId()).query(String.class).single()).isEqualTo("OWNER");
    }
}

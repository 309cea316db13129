package dev.gatehouse.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.crypto.Tokens;
import dev.gatehouse.factor.BackupCodeService;
import dev.gatehouse.oidc.ApiScopes;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.testsupport.DevMail;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.testsupport.WebSession;

/**
 * A member's two-step verification, trusted devices and sessions through the API, with real tokens (H2 and
 * PostgreSQL): metadata only, never a secret, a full phone number or a session id; the admins' reset under the page's
 * rules; and the attacks: another account's user, another user's device or session, the wrong scope.
 */
abstract class MemberSecurityApiTests extends ApiSupport {

    static final String SEALED = "v1:sealed-secret-that-must-never-show";
    static final String FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0";

    String users(TestUsers.Created owner) {
        return "/api/v1/accounts/" + owner.accountId() + "/users/";
    }

    /** A new user who belongs to the owner's account only, with {@code role}. */
    TestUsers.Created member(TestUsers.Created owner, String name, String role) {
        TestUsers.Created user = users().create(name);
        jdbc().sql("delete from memberships where user_id = ?").param(user.user().id()).update();
        jdbc().sql("insert into memberships (account_id, user_id, role, created_at) values (?, ?, ?, ?)")
                .params(owner.accountId(), user.user().id(), role, Timestamp.from(clock().instant())).update();
        return user;
    }

    void addFactor(UUID userId, String type, String label, String publicData) {
        jdbc().sql("""
                insert into second_factors (id, user_id, type, label, secret_sealed, public_data, created_at)
                values (?, ?, ?, ?, ?, ?, ?)""")
                .params(UUID.randomUUID(), userId, type, label, "TOTP".equals(type) ? SEALED : null, publicData,
                        Timestamp.from(clock().instant()))
                .update();
    }

    /** A device trusted by {@code userId} now, as "Remember this device" stores it; returns its id. */
    UUID trustDevice(UUID userId, String token) {
        UUID id = UUID.randomUUID();
        jdbc().sql("""
                insert into trusted_devices (id, user_id, token_hash, browser, user_agent, first_ip, last_ip,
                                             created_at, last_used_at)
                values (?, ?, ?, 'Firefox on Windows', ?, '203.0.113.9', '203.0.113.9', ?, ?)""")
                .params(id, userId, Tokens.sha256("trusted-device:" + userId + ":" + token), FIREFOX,
                        Timestamp.from(clock().instant()), Timestamp.from(clock().instant()))
                .update();
        return id;
    }

    WebSession signedIn(TestUsers.Created user) {
        WebSession web = new WebSession(port).userAgent(FIREFOX);
        web.get("/signin");
        WebSession.Page page = web.post("/signin", Map.of("email", user.email(), "password", TestUsers.PASSWORD));
        assertThat(page.location()).isEqualTo("/settings/security");
        return web;
    }

    @Test
    void twoFactorWhenMemberHasMethodsThenMetadataOnlyPrimaryFirstAndTheNumberMasked() throws Exception {
        TestUsers.Created owner = users().create("api2-2fa");
        TestUsers.Created ada = member(owner, "api2-2fa-ada", "MEMBER");
        addFactor(ada.user().id(), "SMS", "Text message", "+447400123456");
        addFactor(ada.user().id(), "TOTP", "Authenticator app", null);
        jdbc().sql("update users set phone = '+447400123456' where id = ?").param(ada.user().id()).update();
        jdbc().sql("update users set primary_method = 'TOTP' where id = ?").param(ada.user().id()).update();
        ctx.getBean(BackupCodeService.class).issueFirstSet(ada.user(), ClientInfo.SYSTEM);
        String token = token(service(owner, ApiScopes.USERS_READ), ApiScopes.USERS_READ);

        Answer answer = get(users(owner) + ada.user().id() + "/two-factor", token);

        assertThat(answer.status()).as(answer.raw().body()).isEqualTo(200);
        JsonNode body = answer.json();
        assertThat(body.get("required").asBoolean()).isFalse();
        assertThat(body.get("enrolled").asBoolean()).isTrue();
        assertThat(body.get("backupCodesLeft").asInt()).isEqualTo(10);
        List<String> kinds = new ArrayList<>();
        body.get("methods").forEach(m -> kinds.add(m.get("kind").asString()));
        assertThat(kinds).containsExactly("TOTP", "SMS");
        JsonNode app = body.get("methods").get(0);
        assertThat(app.get("primary").asBoolean()).isTrue();
        assertThat(app.get("allowed").asBoolean()).isTrue();
        assertThat(app.get("label").asString()).isEqualTo("Authenticator app");
        assertThat(Instant.parse(app.get("createdAt").asString())).isNotNull();
        assertThat(body.get("methods").get(1).get("primary").asBoolean()).isFalse();
        assertThat(body.get("phone").get("onFile").asBoolean()).isTrue();
        assertThat(body.get("phone").get("masked").asString()).isEqualTo("+44\u00a0•••••••\u00a0456");
        assertThat(answer.raw().body()).doesNotContain(SEALED, "7400123456", "sealed", "publicData", "secret");

        // Nothing on file: no method, no number.
        TestUsers.Created bob = member(owner, "api2-2fa-bob", "MEMBER");
        JsonNode none = get(users(owner) + bob.user().id() + "/two-factor", token).json();
        assertThat(none.get("enrolled").asBoolean()).isFalse();
        assertThat(none.get("methods")).isEmpty();
        assertThat(none.get("backupCodesLeft").asInt()).isZero();
        assertThat(none.get("phone").get("onFile").asBoolean()).isFalse();
        assertThat(none.get("phone").has("masked")).as("null is left out").isFalse();
    }

    @Test
    void twoFactorWhenAnotherAccountsUserOrNoUserThen404AndWithoutTheScopeThen403() throws Exception {
        TestUsers.Created owner = users().create("api2-2fa-idor");
        TestUsers.Created stranger = users().create("api2-2fa-stranger");
        String read = token(service(owner, ApiScopes.USERS_READ, ApiScopes.AUDIT_READ), ApiScopes.USERS_READ);

        assertProblem(get(users(owner) + stranger.user().id() + "/two-factor", read), 404, "not-found");
        assertProblem(get(users(owner) + UUID.randomUUID() + "/two-factor", read), 404, "not-found");
        assertProblem(get(users(owner) + "not-a-uuid/two-factor", read), 404, "not-found");
        // The stranger's own account through the owner's token: the account check answers first, the same 404.
        assertProblem(get("/api/v1/accounts/" + stranger.accountId() + "/users/" + stranger.user().id()
                + "/two-factor", read), 404, "not-found");

        String audit = token(service(owner, ApiScopes.AUDIT_READ), ApiScopes.AUDIT_READ);
        assertProblem(get(users(owner) + owner.user().id() + "/two-factor", audit), 403, "insufficient-scope");
        assertProblem(send("POST", users(owner) + owner.user().id() + "/two-factor/reset", read, "{}"), 403,
                "insufficient-scope");
    }

    @Test
    void resetWhenMemberThenMethodsGoSessionsEndMemberAndRecipientsEmailedAndTheApplicationNamed()
            throws Exception {
        TestUsers.Created owner = users().create("api2-reset");
        TestUsers.Created ada = member(owner, "api2-reset-ada", "MEMBER");
        WebSession adaWeb = signedIn(ada);
        addFactor(ada.user().id(), "TOTP", "Authenticator app", null);
        ctx.getBean(BackupCodeService.class).issueFirstSet(ada.user(), ClientInfo.SYSTEM);
        UUID device = trustDevice(ada.user().id(), "reset-device-token");
        String write = token(service(owner, ApiScopes.USERS_WRITE), ApiScopes.USERS_WRITE);

        Answer answer = send("POST", users(owner) + ada.user().id() + "/two-factor/reset", write, null);

        assertThat(answer.status()).as(answer.raw().body()).isEqualTo(200);
        assertThat(answer.json().get("methodsRemoved").asInt()).isEqualTo(1);
        assertThat(count("select count(*) from second_factors where user_id = ?", ada.user().id())).isZero();
        assertThat(count("select count(*) from backup_codes where user_id = ?", ada.user().id())).isZero();
        assertThat(count("select count(*) from trusted_devices where id = ? and revoked_at is null", device))
                .as("trusted devices forgotten").isZero();
        assertThat(adaWeb.get("/settings/security").location()).as("her session ended").isEqualTo("/signin");
        String detail = jdbc().sql("""
                select detail from audit_events where user_id = ? and account_id = ? and type = 'TWO_FACTOR_RESET'""")
                .params(ada.user().id(), owner.accountId()).query(String.class).single();
        assertThat(detail).isEqualTo("by Billing sync (API client) (" + owner.user().id() + "): 1 methods");
        assertThat(jdbc().sql("""
                select user_agent from audit_events where user_id = ? and type = 'TWO_FACTOR_RESET'""")
                .param(ada.user().id()).query(String.class).single()).startsWith("Gatehouse API client ");
        awaitMail(ada.email(), owner.email() + " (Billing sync (API client)), an admin of the account api2-reset"
                + " Ltd, reset your two-step verification");
        awaitMail(owner.email(), "api2-reset-ada");
    }

    @Test
    void resetWhenTheRegistrantThemselvesAnOwnerByAnAdminOrAMemberOfAnotherAccountThen409AndNothingChanges()
            throws Exception {
        TestUsers.Created owner = users().create("api2-reset-no");
        addFactor(owner.user().id(), "TOTP", "Authenticator app", null);
        TestUsers.Created coOwner = member(owner, "api2-reset-coowner", "OWNER");
        addFactor(coOwner.user().id(), "TOTP", "Authenticator app", null);
        TestUsers.Created elsewhere = users().create("api2-reset-elsewhere");
        jdbc().sql("insert into memberships (account_id, user_id, role, created_at) values (?, ?, 'MEMBER', ?)")
                .params(owner.accountId(), elsewhere.user().id(), Timestamp.from(clock().instant())).update();
        addFactor(elsewhere.user().id(), "TOTP", "Authenticator app", null);
        String write = token(service(owner, ApiScopes.USERS_WRITE), ApiScopes.USERS_WRITE);

        // The client acts for the owner who registered it: not on themselves, as on the members page.
        Answer self = send("POST", users(owner) + owner.user().id() + "/two-factor/reset", write, null);
        assertProblem(self, 409, "conflict");
        assertThat(self.json().get("detail").asString()).contains("their own");
        Answer other = send("POST", users(owner) + elsewhere.user().id() + "/two-factor/reset", write, null);
        assertProblem(other, 409, "conflict");
        assertThat(other.json().get("detail").asString()).contains("other accounts");
        assertProblem(send("POST", users(owner) + UUID.randomUUID() + "/two-factor/reset", write, null), 404,
                "not-found");
        // Its registrant now only an admin: an owner is out of reach, as on the page.
        jdbc().sql("update memberships set role = 'ADMIN' where account_id = ? and user_id = ?")
                .params(owner.accountId(), owner.user().id()).update();
        Answer ownerByAdmin = send("POST", users(owner) + coOwner.user().id() + "/two-factor/reset", write, null);
        assertProblem(ownerByAdmin, 409, "conflict");
        assertThat(ownerByAdmin.json().get("detail").asString()).contains("owner");
        assertThat(count("select count(*) from second_factors where user_id in (?, ?, ?)", owner.user().id(),
                coOwner.user().id(), elsewhere.user().id())).isEqualTo(3);
        assertThat(count("select count(*) from audit_events where type = 'TWO_FACTOR_RESET' and account_id = ?",
                owner.accountId())).isZero();

        // An owner again: still no owner's reset through the API (found by an outside attack: with a leaked secret
        // and a co-owner's password, the reset let the password alone sign in as that owner). The pages do it.
        jdbc().sql("update memberships set role = 'OWNER' where account_id = ? and user_id = ?")
                .params(owner.accountId(), owner.user().id()).update();
        Answer ownerByOwner = send("POST", users(owner) + coOwner.user().id() + "/two-factor/reset", write, null);
        assertProblem(ownerByOwner, 409, "conflict");
        assertThat(ownerByOwner.json().get("detail").asString()).contains("Owners are changed on the account's pages");
        assertThat(count("select count(*) from second_factors where user_id = ?", coOwner.user().id())).isEqualTo(1);

        // Its registrant no longer managing the account: the client can change nothing.
        jdbc().sql("update memberships set role = 'MEMBER' where account_id = ? and user_id = ?")
                .params(owner.accountId(), owner.user().id()).update();
        TestUsers.Created ada = member(owner, "api2-reset-ada2", "MEMBER");
        addFactor(ada.user().id(), "TOTP", "Authenticator app", null);
        assertProblem(send("POST", users(owner) + ada.user().id() + "/two-factor/reset", write, null), 403,
                "not-allowed");
        assertThat(count("select count(*) from second_factors where user_id = ?", ada.user().id())).isEqualTo(1);
    }

    @Test
    void devicesWhenTrustedThenListedWithoutAddressesAndDeleteEndsTrustOnlyForThatUsersOwnDevice()
            throws Exception {
        TestUsers.Created owner = users().create("api2-devices");
        TestUsers.Created ada = member(owner, "api2-devices-ada", "MEMBER");
        TestUsers.Created bob = member(owner, "api2-devices-bob", "MEMBER");
        TestUsers.Created stranger = users().create("api2-devices-stranger");
        UUID adas = trustDevice(ada.user().id(), "ada-token");
        UUID bobs = trustDevice(bob.user().id(), "bob-token");
        UUID strangers = trustDevice(stranger.user().id(), "stranger-token");
        Service service = service(owner, ApiScopes.USERS_READ, ApiScopes.USERS_WRITE);
        String read = token(service, ApiScopes.USERS_READ);
        String write = token(service, ApiScopes.USERS_WRITE);

        Answer list = get(users(owner) + ada.user().id() + "/devices", read);
        assertThat(list.status()).as(list.raw().body()).isEqualTo(200);
        JsonNode items = list.json().get("items");
        assertThat(items).hasSize(1);
        assertThat(items.get(0).get("id").asString()).isEqualTo(adas.toString());
        assertThat(items.get(0).get("browser").asString()).isEqualTo("Firefox on Windows");
        assertThat(items.get(0).get("network").asString()).isEqualTo("203.0.113.0/24");
        assertThat(Instant.parse(items.get(0).get("expiresAt").asString()))
                .isEqualTo(Instant.parse(items.get(0).get("trustedAt").asString()).plus(java.time.Duration.ofDays(30)));
        assertThat(list.raw().body()).doesNotContain("203.0.113.9", "token");

        // Bob's device under Ada's path, a stranger's device, a made-up id: 404, and nothing is revoked.
        assertProblem(send("DELETE", users(owner) + ada.user().id() + "/devices/" + bobs, write, null), 404,
                "not-found");
        assertProblem(send("DELETE", users(owner) + ada.user().id() + "/devices/" + strangers, write, null), 404,
                "not-found");
        assertProblem(send("DELETE", users(owner) + stranger.user().id() + "/devices/" + strangers, write, null),
                404, "not-found");
        assertProblem(send("DELETE", users(owner) + ada.user().id() + "/devices/" + UUID.randomUUID(), write,
                null), 404, "not-found");
        assertProblem(send("DELETE", users(owner) + ada.user().id() + "/devices/" + adas, read, null), 403,
                "insufficient-scope");
        assertThat(count("select count(*) from trusted_devices where revoked_at is not null and id in (?, ?, ?)",
                adas, bobs, strangers)).isZero();

        Answer removed = send("DELETE", users(owner) + ada.user().id() + "/devices/" + adas, write, null);
        assertThat(removed.status()).as(removed.raw().body()).isEqualTo(204);
        assertThat(get(users(owner) + ada.user().id() + "/devices", read).json().get("items")).isEmpty();
        assertThat(count("select count(*) from trusted_devices where revoked_at is not null and id = ?", adas))
                .isEqualTo(1);
        assertThat(jdbc().sql("""
                select detail from audit_events where user_id = ? and account_id = ? and type = 'TRUSTED_DEVICE_REMOVED'""")
                .params(ada.user().id(), owner.accountId()).query(String.class).single())
                .isEqualTo("Firefox on Windows by Billing sync (API client)");
        assertProblem(send("DELETE", users(owner) + ada.user().id() + "/devices/" + adas, write, null), 404,
                "not-found");
    }

    @Test
    void sessionsWhenSignedInThenListedByReferenceNeverByIdAndDeleteEndsOnlyThatUsersSession() throws Exception {
        TestUsers.Created owner = users().create("api2-sessions");
        TestUsers.Created ada = member(owner, "api2-sessions-ada", "MEMBER");
        TestUsers.Created bob = member(owner, "api2-sessions-bob", "MEMBER");
        WebSession adaWeb = signedIn(ada);
        WebSession bobWeb = signedIn(bob);
        Service service = service(owner, ApiScopes.USERS_READ, ApiScopes.USERS_WRITE);
        String read = token(service, ApiScopes.USERS_READ);
        String write = token(service, ApiScopes.USERS_WRITE);

        Answer list = get(users(owner) + ada.user().id() + "/sessions", read);
        assertThat(list.status()).as(list.raw().body()).isEqualTo(200);
        JsonNode items = list.json().get("items");
        assertThat(items).hasSize(1);
        String reference = items.get(0).get("id").asString();
        assertThat(reference).matches("[0-9a-f]{32}");
        assertThat(items.get(0).get("browser").asString()).isEqualTo("Firefox on Windows");
        List<String> secrets = jdbc().sql("select session_id from spring_session where principal_name in (?, ?)")
                .params(ada.user().id().toString(), bob.user().id().toString()).query(String.class).list();
        secrets = new ArrayList<>(secrets);
        secrets.add(adaWeb.cookie("GATEHOUSE_SESSION"));
        assertThat(secrets).hasSize(3).allSatisfy(s -> assertThat(list.raw().body()).doesNotContain(s));
        String bobsReference = get(users(owner) + bob.user().id() + "/sessions", read).json().get("items").get(0)
                .get("id").asString();

        // Bob's session under Ada's path, her cookie's value, made-up ids: 404, and every session goes on.
        for (String wrong : List.of(bobsReference, adaWeb.cookie("GATEHOUSE_SESSION"), "0".repeat(32), "x")) {
            assertProblem(send("DELETE", users(owner) + ada.user().id() + "/sessions/" + wrong, write, null), 404,
                    "not-found");
        }
        assertProblem(send("DELETE", users(owner) + ada.user().id() + "/sessions/" + reference, read, null), 403,
                "insufficient-scope");
        assertThat(adaWeb.get("/settings/security").status()).isEqualTo(200);
        assertThat(bobWeb.get("/settings/security").status()).isEqualTo(200);

        Answer ended = send("DELETE", users(owner) + ada.user().id() + "/sessions/" + reference, write, null);
        assertThat(ended.status()).as(ended.raw().body()).isEqualTo(204);
        assertThat(adaWeb.get("/settings/security").location()).isEqualTo("/signin");
        assertThat(bobWeb.get("/settings/security").status()).as("Bob's goes on").isEqualTo(200);
        assertThat(get(users(owner) + ada.user().id() + "/sessions", read).json().get("items")).isEmpty();
        assertThat(ctx.getBean(AuditLog.class).typesForUser(ada.user().id()))
                .contains(AuditEventType.SESSION_SIGNED_OUT);
        assertThat(count("select count(*) from audit_events where user_id = ? and account_id = ?"
                + " and type = 'SESSION_SIGNED_OUT' and detail like '% by Billing sync (API client)'",
                ada.user().id(), owner.accountId())).isEqualTo(1);
        assertProblem(send("DELETE", users(owner) + ada.user().id() + "/sessions/" + reference, write, null), 404,
                "not-found");
    }

    /** Waits for a message to {@code recipient} whose text contains {@code text}. */
    /** Sessions and trusted devices are the user's in every account: one account ends none of someone shared. */
    @Test
    void devicesAndSessionsWhenTheUserBelongsToOtherAccountsTooOrIsAnOwnerThenNothingEnds() throws Exception {
        TestUsers.Created owner = users().create("api2-shared");
        TestUsers.Created shared = users().create("api2-shared-user");
        jdbc().sql("insert into memberships (account_id, user_id, role, created_at) values (?, ?, ?, ?)")
                .params(owner.accountId(), shared.user().id(), "MEMBER", Timestamp.from(clock().instant())).update();
        TestUsers.Created coOwner = member(owner, "api2-shared-co", "OWNER");
        signedIn(shared);
        Service service = service(owner, ApiScopes.USERS_READ, ApiScopes.USERS_WRITE);
        String read = token(service, ApiScopes.USERS_READ);
        String write = token(service, ApiScopes.USERS_WRITE);
        String reference = get(users(owner) + shared.user().id() + "/sessions", read).json().get("items").get(0)
                .get("id").asString();

        for (TestUsers.Created target : List.of(shared, coOwner, owner)) {
            assertProblem(send("DELETE", users(owner) + target.user().id() + "/sessions/" + reference, write, null),
                    409, "conflict");
            assertProblem(send("DELETE", users(owner) + target.user().id() + "/devices/" + UUID.randomUUID(), write,
                    null), 409, "conflict");
        }
        assertThat(get(users(owner) + shared.user().id() + "/sessions", read).json().get("items")).hasSize(1);
    }

    void awaitMail(String recipient, String text) throws InterruptedException {
        DevMail mail = new DevMail(ctx);
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (mail.to(recipient).stream().noneMatch(m -> m.text().contains(text))) {
            assertThat(System.nanoTime()).as("a message to " + recipient + " with " + text).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    long count(String sql, Object... params) {
        return jdbc().sql(sql).params(params).query(Long.class).single();
    }
}

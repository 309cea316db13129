package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.gatehouse.oidc.AccountClients;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.testsupport.H2Test;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.testsupport.WebSession;
import dev.gatehouse.testsupport.WebSession.Page;

/**
 * The account's Applications page over HTTP, as an attacker tries it: another account's owner learns nothing (404)
 * and cannot list, renew or remove by client id; an admin or member is told it is for the owners (403); a client id
 * of another account in the hidden field changes nothing (404); a redirect URI that is not exact or safe is answered
 * in the page (422) and nothing is registered.
 */
@H2Test
class AccountApplicationsFlowOnH2Test extends TwoFactorFlowSupport {

    private void join(UUID accountId, UUID userId, String role) {
        jdbc().sql("insert into memberships (account_id, user_id, role, created_at) values (?, ?, ?, ?)")
                .params(accountId, userId, role, Timestamp.from(clock().instant())).update();
    }

    private WebSession confirmed(TestUsers.Created who) {
        WebSession web = signedIn(who.email(), who.password());
        web.get("/settings/confirm?next=/settings/security");
        assertThat(web.post("/settings/confirm", Map.of("password", who.password(), "next", "/settings/security"))
                .status()).isEqualTo(302);
        return web;
    }

    private String registered(TestUsers.Created owner) {
        AccountClients.Register result = ctx.getBean(AccountClients.class).register(owner.accountId(),
                owner.user().id(), new AccountClients.Registration("Victim app", "https://victim.example/cb", "",
                        true, true, true), new ClientInfo("198.51.100.1", "test"));
        return ((AccountClients.Register.Registered) result).clientId();
    }

    private long clients() {
        return count("select count(*) from oauth2_registered_client");
    }

    @Test
    void applicationsWhenNotTheOwnerThenStrangers404AdminsAndMembers403AndNothingChanges() {
        TestUsers.Created owner = users().create("apps-victim");
        TestUsers.Created admin = users().create("apps-admin");
        TestUsers.Created member = users().create("apps-member");
        TestUsers.Created stranger = users().create("apps-stranger");
        join(owner.accountId(), admin.user().id(), "ADMIN");
        join(owner.accountId(), member.user().id(), "MEMBER");
        String app = registered(owner);
        String page = "/accounts/" + owner.accountId() + "/applications";
        Map<String, String> register = Map.of("name", "Evil", "redirectUris", "https://evil.example/cb",
                "type", "confidential");
        long before = clients();

        WebSession strangerWeb = confirmed(stranger);
        assertThat(strangerWeb.get(page).status()).isEqualTo(404);
        strangerWeb.get("/settings/security");
        assertThat(strangerWeb.post(page, register).status()).isEqualTo(404);
        assertThat(strangerWeb.post(page + "/new-secret", Map.of("clientId", app)).status()).isEqualTo(404);
        assertThat(strangerWeb.post(page + "/remove", Map.of("clientId", app)).status()).isEqualTo(404);
        // The stranger's own page, with the victim's client id in the hidden field: not found there either.
        String own = "/accounts/" + stranger.accountId() + "/applications";
        assertThat(strangerWeb.get(own).body()).doesNotContain(app);
        assertThat(strangerWeb.post(own + "/new-secret", Map.of("clientId", app)).status()).isEqualTo(404);
        assertThat(strangerWeb.post(own + "/remove", Map.of("clientId", app)).status()).isEqualTo(404);
        assertThat(strangerWeb.post(own + "/remove", Map.of("clientId", "not-a-client")).status()).isEqualTo(404);
        assertThat(strangerWeb.get(own + "/remove?clientId=" + app).status()).isEqualTo(404);
        assertThat(strangerWeb.get(page + "/new-secret?clientId=" + app).status()).isEqualTo(404);

        for (TestUsers.Created notOwner : new TestUsers.Created[] {admin, member}) {
            WebSession web = confirmed(notOwner);
            Page shown = web.get(page);
            assertThat(shown.status()).isEqualTo(403);
            assertThat(shown.body()).doesNotContain(app);
            web.get("/settings/security");
            assertThat(web.post(page, register).status()).isEqualTo(403);
            assertThat(web.post(page + "/new-secret", Map.of("clientId", app)).status()).isEqualTo(403);
            assertThat(web.post(page + "/remove", Map.of("clientId", app)).status()).isEqualTo(403);
        }

        assertThat(clients()).isEqualTo(before);
        assertThat(ctx.getBean(AccountClients.class).find(owner.accountId(), app)).isPresent();
        assertThat(count("select count(*) from audit_events where account_id = ? and type <> 'APPLICATION_REGISTERED' and type like 'APPLICATION_%'",
                owner.accountId())).isZero();
    }

    /**
     * "New secret" and "Remove" each break the running application until it is updated: the list links to a page
     * that says so and changes nothing; its form does it (noticed by a new user: both were one click on the list).
     */
    @Test
    void newSecretAndRemoveWhenChosenOnTheListThenAPageSaysWhatBreaksBeforeAnythingChanges() {
        TestUsers.Created owner = users().create("apps-confirm");
        String app = registered(owner);
        String page = "/accounts/" + owner.accountId() + "/applications";
        WebSession web = confirmed(owner);
        String list = web.get(page).body();
        assertThat(list).contains("href=\"" + page + "/new-secret?clientId=" + app + "\"",
                "href=\"" + page + "/remove?clientId=" + app + "\"");

        Page secret = web.get(page + "/new-secret?clientId=" + app);
        assertThat(secret.status()).isEqualTo(200);
        assertThat(text(secret)).contains("Give Victim app a new secret?", "stops working at once", app);
        Page remove = web.get(page + "/remove?clientId=" + app);
        assertThat(text(remove)).contains("Remove Victim app?", "can no longer sign in to Victim app",
                "id=\"confirm-application-change\"");
        assertThat(count("select count(*) from audit_events where account_id = ? and type like 'APPLICATION_%'"
                + " and type <> 'APPLICATION_REGISTERED'", owner.accountId())).as("asking changed nothing").isZero();

        AccountClients.Register pub = ctx.getBean(AccountClients.class).register(owner.accountId(),
                owner.user().id(), new AccountClients.Registration("Spa", "https://spa.example/cb", "", false, true,
                        true), new ClientInfo("198.51.100.1", "test"));
        String spa = ((AccountClients.Register.Registered) pub).clientId();
        assertThat(web.get(page + "/new-secret?clientId=" + spa).status()).as("no secret to replace").isEqualTo(404);

        assertThat(web.post(page + "/remove", Map.of("clientId", app)).location()).isEqualTo(page);
        assertThat(ctx.getBean(AccountClients.class).find(owner.accountId(), app)).isEmpty();
    }

    @Test
    void registerWhenARedirectUriIsNotExactOrSafeThen422WithTheFieldErrorAndNothingRegistered() {
        TestUsers.Created owner = users().create("apps-bad-uri");
        WebSession web = confirmed(owner);
        String page = "/accounts/" + owner.accountId() + "/applications";
        assertThat(web.get(page).body()).contains("id=\"applications-tab\"", "id=\"no-applications\"");
        long before = clients();

        Map<String, String> expected = Map.of(
                "http://app.example/cb", "Use https (http only for localhost, 127.0.0.1 or [::1]).",
                "https://app.example/cb#x", "A URI may not contain a # part.",
                "https://*.app.example/cb", "A URI may not contain *: each is matched exactly.",
                "https://user:pw@app.example/cb", "A URI may not contain a user name or password.");
        expected.forEach((uri, error) -> {
            Page answer = web.post(page, Map.of("name", "My app", "redirectUris", uri, "type", "public"));
            assertThat(answer.status()).as(uri).isEqualTo(422);
            assertThat(text(answer)).as(uri).contains(error, "Nothing was registered");
            assertThat(answer.body()).contains("id=\"redirectUris-error\"", "My app");
        });
        assertThat(clients()).isEqualTo(before);

        Page ok = web.post(page, Map.of("name", "SPA", "redirectUris", "http://localhost:5173/cb", "type", "public",
                "email", "true"));
        assertThat(ok.location()).isEqualTo(page);
        assertThat(text(web.follow(ok))).contains("Application registered. Its client id is gh_", "SPA",
                "Single-page or mobile app");
        assertThat(clients()).isEqualTo(before + 1);
    }
}

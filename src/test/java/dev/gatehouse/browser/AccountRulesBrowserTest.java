package dev.gatehouse.browser;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.gatehouse.testsupport.TestUsers;

/**
 * An owner sets the account's sign-in rules; a member without a method meets them at their next sign-in: told first
 * thing, offered only the allowed methods, and able to postpone only while the grace period lasts.
 */
class AccountRulesBrowserTest extends TwoFactorBrowserSupport {

    @Test
    void rulesWhenOwnerRequiresTwoStepThenMemberIsAskedToSetUpAnAllowedMethod() {
        TestUsers.Created owner = users.create("rules");
        TestUsers.Created member = users.create("member");
        join(owner, member);
        enableApp(owner);
        confirmSaved();

        browser.click(By.linkText("rules Ltd"));
        browser.waitForPath("/accounts/" + owner.accountId() + "/settings");
        browser.click("security-rules-tab");
        browser.waitForPath("/accounts/" + owner.accountId() + "/settings/security");
        assertThat(browser.h1()).isEqualTo("Sign-in security");
        assertThat(browser.byId("require-two-factor").isSelected()).isFalse();
        assertThat(browser.byId("trust-thirty_days").isSelected()).isTrue();
        browser.screenshot("account-rules");

        // Allowing nothing is explained, and nothing is saved.
        for (String method : new String[] {"totp", "email", "webauthn"}) {
            browser.click("allow-" + method);
        }
        if (!browser.all(By.id("allow-sms")).isEmpty()) {
            browser.click("allow-sms");
        }
        browser.click("save-rules");
        assertThat(browser.byId("allowed-error").getText()).isEqualTo("Allow at least one method.");
        browser.screenshot("account-rules-error");

        browser.click("require-two-factor").click("allow-totp").click("allow-webauthn").click("trust-one_week");
        browser.find(By.cssSelector("#grace-days option[value='7']")).click();
        browser.click("save-rules");
        browser.waitForPath("/accounts/" + owner.accountId() + "/settings/security");
        assertThat(browser.notice()).contains("The sign-in rules were saved");
        assertThat(browser.byId("require-two-factor").isSelected()).isTrue();
        assertThat(browser.byId("allow-email").isSelected()).isFalse();
        assertThat(browser.byId("trust-one_week").isSelected()).isTrue();
        assertThat(browser.byId("compliance").getText())
                .contains("Members who do not meet these rules: 1", member.email(), "No method yet")
                .doesNotContain(owner.email());
        browser.screenshot("account-rules-saved");

        try (Browser other = browser.another()) {
            signIn(other, member.email(), member.password());
            other.waitForPath("/settings/security");
            assertThat(other.byId("setup-required").getText())
                    .contains("rules Ltd requires two-step verification", "You can postpone it until");
            assertThat(other.all(By.id("setup-app"))).isNotEmpty();
            assertThat(other.all(By.id("add-webauthn"))).isNotEmpty();
            assertThat(other.all(By.id("method-email"))).as("not allowed, so not offered").isEmpty();
            other.screenshot("setup-required");

            other.click("postpone-setup");
            other.waitForPath("/settings/security");
            assertThat(other.notice()).contains("Postponed for now");
            // The banner now says until when, not that the rest is closed, and offers "Not now" no more.
            assertThat(other.byId("setup-required").getText()).contains("You postponed it for this sign-in")
                    .doesNotContain("only your own settings are open");
            assertThat(other.all(By.id("postpone-setup"))).isEmpty();
        }
        assertThat(mail.await(owner.email(), "sign-in rules").text())
                .contains("changed the two-step verification rules of the account rules Ltd",
                        "two-step verification required: on", "grace period: 7 days");
    }

    @Test
    void resetWhenOwnerResetsAMembersTwoStepThenTheMemberIsEmailedAndSignsInWithThePassword() {
        TestUsers.Created owner = users.create("resetter");
        TestUsers.Created member = users.create("locked");
        join(owner, member);
        // Only a member of this account alone can be reset here (test users are created owning an account).
        context.getBean(JdbcClient.class).sql("delete from memberships where user_id = ? and account_id <> ?")
                .params(member.user().id(), owner.accountId()).update();
        try (Browser other = browser.another()) {
            // The member turns the app on, then (the phone lost) cannot sign in any more.
            enableAppIn(other, member);
        }

        signIn(browser, owner.email(), owner.password());
        browser.waitForPath("/settings/security");
        browser.open("/accounts/" + owner.accountId() + "/settings");
        assertThat(browser.find(By.id("members")).getText()).contains("Authenticator app");
        browser.screenshot("account-members-methods");
        // On a phone each member is a block of its own, its actions on the screen (they were past its edge, in a
        // table scrolling sideways: found by a new user at 390 px in stop 35).
        browser.atWindowSize(390, 844, () -> {
            browser.assertWithinWidth("role-" + member.user().id(), "remove-" + member.user().id(),
                    "reset-" + member.user().id());
            browser.screenshotOf(browser.byId("members"), "account-members-phone");
        });
        browser.click("reset-" + member.user().id());
        browser.waitForPath("/settings/confirm");
        browser.type("password", owner.password()).click("confirm");
        browser.waitForPath("/accounts/" + owner.accountId() + "/members/" + member.user().id() + "/reset-two-factor");
        assertThat(browser.mainText()).contains("Reset the two-step verification of locked", "signed out everywhere");
        browser.screenshot("account-reset-two-factor");
        browser.click("reset-two-factor");
        browser.waitForPath("/accounts/" + owner.accountId() + "/settings");
        assertThat(browser.notice()).contains("The two-step verification of locked was reset");
        assertThat(browser.find(By.id("members")).getText()).doesNotContain("Authenticator app");

        assertThat(mail.await(member.email(), "two-step verification was reset").text())
                .contains("Your password alone now signs you in");
        try (Browser other = browser.another()) {
            signIn(other, member.email(), member.password());
            other.waitForPath("/settings/security");
            assertThat(other.all(By.id("setup-app"))).isNotEmpty();
        }
    }

    @Test
    void membersWhenOwnerChangesARoleAndRevokesAnInvitationThenTheListSaysSoAndNamesWhoHasNoPhone() {
        TestUsers.Created owner = users.create("crew");
        TestUsers.Created member = users.create("deckhand");
        join(owner, member);
        String settings = "/accounts/" + owner.accountId() + "/settings";

        signIn(browser, owner.email(), owner.password());
        browser.waitForPath("/settings/security");
        browser.open(settings);
        // New accounts allow text message codes, so every member needs a phone number: nobody has one yet.
        assertThat(browser.byId("missing-phone").getText())
                .contains("Members without a phone number: 2", "deckhand (" + member.email() + ")");
        assertThat(browser.byId("member-" + member.user().id()).getText()).contains("Member", "None", "Never");
        browser.screenshot("members-missing-phone");

        String invitee = "stowaway-" + java.util.UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        browser.type("email", invitee).type("phone", "+44 7400 123456").click("send-invite");
        browser.waitForPath(settings);
        browser.click(By.cssSelector("button[id^='revoke-']"));
        browser.waitForPath(settings);
        assertThat(browser.notice()).contains("The invitation to " + invitee + " was revoked");
        assertThat(browser.find(By.id("members")).getText()).doesNotContain(invitee);

        browser.click("role-" + member.user().id());
        browser.waitForPath("/settings/confirm");
        browser.type("password", owner.password()).click("confirm");
        browser.waitForPath("/accounts/" + owner.accountId() + "/members/" + member.user().id() + "/role");
        assertThat(browser.h1()).isEqualTo("Change the role of deckhand");
        browser.click("role-admin");
        browser.screenshot("member-role");
        browser.click("save-role");
        browser.waitForPath(settings);
        assertThat(browser.notice()).contains("deckhand is now Admin");
        assertThat(browser.byId("member-" + member.user().id()).getText()).contains("Admin");
        browser.screenshot("members-role-changed");

        browser.click("remove-" + member.user().id());
        browser.waitForPath("/accounts/" + owner.accountId() + "/members/" + member.user().id() + "/remove");
        assertThat(browser.mainText()).contains("Remove deckhand from the account?", member.email());
        browser.screenshot("member-remove");
        browser.click("cancel-remove");
        browser.waitForPath(settings);

        // The notice links each member to their row.
        browser.click("missing-phone-" + member.user().id());
        assertThat(browser.driver().getCurrentUrl()).endsWith(settings + "#member-" + member.user().id());
        browser.click("security-rules-tab");
        browser.waitForPath(settings + "/security");
        assertThat(browser.byId("compliance-counts").getText()).contains("No phone number: 2");
        browser.screenshot("account-rules-missing-phone");
    }

    @Test
    void detailsWhenOwnerAddsAnExtraAddressThenOnceConfirmedItReceivesTheNextRulesAlert() {
        TestUsers.Created owner = users.create("acme");
        String soc = "soc-" + java.util.UUID.randomUUID().toString().substring(0, 8) + "@acme.example";
        signIn(browser, owner.email(), owner.password());
        browser.waitForPath("/settings/security");

        browser.click(By.linkText("acme Ltd"));
        browser.waitForPath("/accounts/" + owner.accountId() + "/settings");
        browser.click("details-tab");
        browser.waitForPath("/accounts/" + owner.accountId() + "/details");
        browser.type("name", "Acme Widgets").type("contactEmail", "it@acme.example")
                .type("contactPhone", "020 7946 0958").type("addressLine1", "1 High Street")
                .type("city", "London").type("postalCode", "EC1A 1BB");
        new org.openqa.selenium.support.ui.Select(browser.byId("country")).selectByVisibleText("United Kingdom");
        browser.click("save-details");
        browser.waitForPath("/accounts/" + owner.accountId() + "/details");
        assertThat(browser.notice()).contains("The account's details were saved.");
        assertThat(browser.byId("contactPhone").getAttribute("value")).isEqualTo("+44 20 7946 0958");
        assertThat(browser.byId("alert-recipients").getText()).isEqualTo("The account's owners");
        browser.screenshot("account-details");

        // Changing who is alerted asks to confirm it's you first.
        browser.click("change-recipients");
        browser.waitForPath("/settings/confirm");
        browser.type("password", owner.password()).click("confirm");
        browser.waitForPath("/accounts/" + owner.accountId() + "/details/recipients");
        browser.type("email", soc).click("add-address");
        browser.waitForPath("/accounts/" + owner.accountId() + "/details/recipients");
        assertThat(browser.notice()).contains("A link was sent to " + soc);
        assertThat(browser.byId("addresses").getText()).contains(soc, "Waiting for its link");
        browser.screenshot("account-alert-recipients");

        // Whoever reads that mailbox confirms, signed in or not.
        try (Browser other = browser.another()) {
            followMailLink(other, soc, "/alerts/confirm/", "alert-address-mail");
            assertThat(other.h1()).isEqualTo("Receive security alerts");
            assertThat(other.mainText()).contains("The security alerts of Acme Widgets will be sent to " + soc);
            other.screenshot("alert-address-confirm");
            other.click("confirm-alerts");
            assertThat(other.byId("alerts-confirmed").getText())
                    .isEqualTo("Done: " + soc + " now receives the security alerts of Acme Widgets.");
            other.screenshot("alert-address-confirmed");
        }
        browser.open("/accounts/" + owner.accountId() + "/details");
        assertThat(browser.byId("alert-recipients").getText()).contains(soc, "Receives alerts");

        // The next rules change reaches the address.
        browser.open("/accounts/" + owner.accountId() + "/settings/security");
        browser.click("trust-one_week").click("save-rules");
        browser.waitForPath("/accounts/" + owner.accountId() + "/settings/security");
        assertThat(mail.await(soc, "sign-in rules").text())
                .contains("Hello,", "changed the two-step verification rules of the account Acme Widgets",
                        "remember devices for: 1 week");
    }

    /** Makes {@code member} a member of {@code owner}'s account, as an accepted invitation would. */
    @Test
    void applicationsWhenOwnerRegistersAWebApplicationThenTheSecretIsShownOnceAndTheListNamesIt() {
        TestUsers.Created owner = users.create("apps");
        signIn(browser, owner.email(), owner.password());
        browser.waitForPath("/settings/security");

        browser.click(By.linkText("apps Ltd"));
        browser.waitForPath("/accounts/" + owner.accountId() + "/settings");
        browser.click("applications-tab");
        browser.waitForPath("/settings/confirm");
        browser.type("password", owner.password()).click("confirm");
        String page = "/accounts/" + owner.accountId() + "/applications";
        browser.waitForPath(page);
        assertThat(browser.h1()).isEqualTo("Applications");
        browser.type("name", "Billing portal")
                .type("redirectUris", "https://billing.example/callback\nhttp://localhost:3000/callback")
                .type("postLogoutUris", "https://billing.example/");
        browser.screenshot("applications");
        browser.click("register-application");
        browser.waitForPath(page + "/secret");
        assertThat(browser.byId("shown-once").getText()).contains("it is not shown again");
        String clientId = browser.byId("client-id").getText();
        assertThat(browser.byId("client-secret").getText()).hasSize(43);
        browser.screenshot("application-secret-shown-once");

        browser.click("back-to-applications");
        browser.waitForPath(page);
        assertThat(browser.byId("application-" + clientId).getText())
                .contains("Billing portal", clientId, "Web application", "https://billing.example/callback");
        browser.screenshot("applications-registered");

        // A service for the REST API: no redirect URI, the API scopes ticked, its secret shown once too.
        browser.type("name", "Billing sync").click("type-service").click("api-scope-users-read")
                .click("api-scope-users-write");
        browser.screenshot("applications-service");
        browser.click("register-application");
        browser.waitForPath(page + "/secret");
        String serviceId = browser.byId("client-id").getText();
        assertThat(browser.byId("client-secret").getText()).hasSize(43);
        browser.click("back-to-applications");
        browser.waitForPath(page);
        assertThat(browser.byId("application-" + serviceId).getText())
                .contains("Billing sync", serviceId, "Service (API)", "users:read", "users:write");
        browser.screenshot("applications-service-registered");
    }

    private void join(TestUsers.Created owner, TestUsers.Created member) {
        context.getBean(JdbcClient.class).sql("""
                insert into memberships (account_id, user_id, role, created_at) values (?, ?, 'MEMBER', ?)""")
                .params(owner.accountId(), member.user().id(), java.sql.Timestamp.from(clock().instant())).update();
    }
}

package dev.gatehouse.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.gatehouse.audit.AuditEvent;
import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.testsupport.TestUsers;

/** An owner invites a person from Account settings; the person joins from the link, in another browser. */
class AccountBrowserTest extends BrowserTestSupport {

    @Test
    void inviteWhenInviteeOpensLinkInAnotherBrowserThenTheyJoinAsMember() {
        TestUsers.Created owner = users.create("owner");
        String invitee = "grace-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";

        signIn(browser, owner.email(), owner.password());
        browser.waitForPath("/settings/security");
        browser.click(By.linkText("owner Ltd"));
        browser.waitForPath("/accounts/" + owner.accountId() + "/settings");
        assertThat(browser.h1()).isEqualTo("owner Ltd");
        assertThat(browser.find(By.id("members")).getText()).contains(owner.email(), "Owner");
        browser.screenshot("account-settings");

        // A bad address is explained at the field and nothing is sent.
        browser.type("email", "not an address").click("send-invite");
        assertThat(browser.byId("email-error").getText()).contains("name@example.com");
        browser.screenshot("account-invite-error");

        // The account allows text message codes (new accounts do), so the invitation asks for a mobile number.
        browser.type("email", invitee).type("phone", "+44 7400 123456").click("send-invite");
        browser.waitForPath("/accounts/" + owner.accountId() + "/settings");
        assertThat(browser.notice()).contains("Invitation sent to " + invitee);
        assertThat(browser.find(By.id("members")).getText()).contains(invitee);
        browser.screenshot("account-invited");

        try (Browser other = browser.another()) {
            followMailLink(other, invitee, "/invite/", "invite-mailbox");
            other.waitForPathStartingWith("/invite/");
            assertThat(other.h1()).isEqualTo("Join owner Ltd");
            assertThat(other.mainText()).contains(invitee);
            assertThat(other.byId("password").getAttribute("autocomplete")).isEqualTo("new-password");
            other.screenshot("invite");

            other.type("displayName", "Grace Hopper").type("password", "compilers were my idea").click("accept");
            other.waitForPath("/settings/security");
            assertThat(other.notice()).contains("joined");
            assertThat(other.mainText()).contains(invitee);
            // A member does not manage the account: no Account settings in the top bar.
            assertThat(other.all(By.linkText("owner Ltd"))).isEmpty();
            other.screenshot("invite-joined");
        }

        browser.open("/accounts/" + owner.accountId() + "/settings");
        assertThat(browser.find(By.id("members")).getText()).contains("Grace Hopper", invitee, "Member");
        browser.screenshot("account-settings-joined");
    }

    @Test
    void switcherWhenUserIsInTwoAccountsThenOpensTheOtherAccountsActivityFiltered() {
        TestUsers.Created ada = users.create("switch");
        TestUsers.Created other = users.create("other");
        TestUsers.Created member = users.create("locked");
        JdbcClient jdbc = context.getBean(JdbcClient.class);
        for (Object[] m : new Object[][] {{other.accountId(), ada.user().id(), "ADMIN"},
                {other.accountId(), member.user().id(), "MEMBER"}}) {
            jdbc.sql("insert into memberships (account_id, user_id, role, created_at) values (?, ?, ?, ?)")
                    .params(m[0], m[1], m[2], java.sql.Timestamp.from(clock().instant())).update();
        }
        AuditLog audit = context.getBean(AuditLog.class);
        ClientInfo client = new ClientInfo("198.51.100.7", "Mozilla/5.0 Firefox/140.0");
        audit.record(AuditEventType.ACCOUNT_RULES_CHANGED, other.user().id(), other.accountId(), client,
                "grace period: 7 days");
        audit.record(AuditEventType.CODE_ENTRY_LOCKED, member.user().id(), null, client, null);
        audit.record(AuditEventType.FACTOR_ENABLED, member.user().id(), null, client,
                AuditEvent.methodDetail("WEBAUTHN", "Desk key"));

        signIn(browser, ada.email(), ada.password());
        browser.waitForPath("/settings/security");
        browser.click(By.cssSelector("#profile-menu > summary"));
        assertThat(browser.byId("menu-details").isDisplayed()).isTrue();
        browser.screenshot("topbar-profile-menu");
        browser.click(By.cssSelector("#profile-menu > summary"));
        browser.click(By.cssSelector("#account-menu > summary"));
        assertThat(browser.find(By.cssSelector("#account-menu ul")).getText()).contains("switch Ltd", "Owner",
                "other Ltd", "Admin");
        browser.screenshot("topbar-account-switcher");
        browser.click("account-" + other.accountId());
        browser.waitForPath("/accounts/" + other.accountId() + "/settings");
        assertThat(browser.h1()).isEqualTo("other Ltd");

        browser.click("activity-tab");
        browser.waitForPath("/accounts/" + other.accountId() + "/activity");
        assertThat(browser.h1()).isEqualTo("Account activity");
        assertThat(browser.byId("activity").getText()).contains("Account sign-in rules changed",
                "grace period: 7 days", "Security key \u201cDesk key\u201d added", "Code entry paused");
        browser.screenshot("account-activity");

        browser.find(By.cssSelector("#kind option[value='lockouts']")).click();
        browser.find(By.cssSelector("#member option[value='" + member.user().id() + "']")).click();
        browser.click("filter");
        browser.waitForPathStartingWith("/accounts/" + other.accountId() + "/activity");
        assertThat(browser.byId("activity").getText()).contains("Code entry paused", member.email())
                .doesNotContain("Desk key", "grace period");
        assertThat(browser.find(By.cssSelector("#account-menu > summary")).getText()).contains("other Ltd");
        browser.screenshot("account-activity-filtered");
    }
}

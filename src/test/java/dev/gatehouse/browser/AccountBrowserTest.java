package dev.gatehouse.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

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
}

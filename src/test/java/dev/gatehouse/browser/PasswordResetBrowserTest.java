package dev.gatehouse.browser;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.gatehouse.testsupport.TestUsers;

/**
 * A user with an authenticator app forgot their password: the emailed link, then their app, then the new password.
 * The link alone never gets them in. And a user who changes their sign-in email on User details: the link in the new
 * inbox, then signing in with the new address.
 */
class PasswordResetBrowserTest extends TwoFactorBrowserSupport {

    @Test
    void forgotPasswordWhenUserHasTheAppThenLinkThenCodeThenNewPassword() {
        TestUsers.Created ada = users.create("forgetful");
        String key = enableApp(ada);
        confirmSaved();
        signOut(browser);

        browser.open("/signin");
        browser.click("forgot-password");
        browser.waitForPath("/signin/forgot");
        assertThat(browser.h1()).isEqualTo("Reset your password");
        browser.screenshot("forgot-password");
        browser.type("email", ada.email()).click("send-reset");
        assertThat(browser.notice()).contains("If " + ada.email() + " has an account here");
        browser.screenshot("forgot-password-sent");

        followMailLink(ada.email(), "/signin/reset/", "forgot-password-mailbox");
        browser.waitForPathStartingWith("/signin/reset/");
        assertThat(browser.mainText()).contains("confirm it's you with your second step",
                "Email codes are never offered on the way to a new password");
        browser.screenshot("forgot-password-continue");
        browser.click("continue-reset");
        browser.waitForPath("/signin/verify");
        browser.screenshot("forgot-password-verify");
        browser.type("code", freshTotp(key)).click("verify");
        browser.waitForPath("/signin/reset");
        assertThat(browser.h1()).isEqualTo("Choose a new password");
        browser.screenshot("forgot-password-new");

        browser.type("newPassword", "short").type("confirmPassword", "short").click("reset-password");
        assertThat(browser.byId("newPassword-error").getText()).isNotBlank();
        browser.type("newPassword", "a long and new passphrase").type("confirmPassword", "a long and new passphrase")
                .click("reset-password");
        browser.waitForPath("/settings/security");
        assertThat(browser.notice()).contains("Your password was reset");
        browser.screenshot("forgot-password-done");

        signOut(browser);
        signIn(browser, ada.email(), "a long and new passphrase");
        browser.waitForPath("/signin/verify");
    }

    @Test
    void changeEmailWhenLinkFromTheNewInboxConfirmedThenSignInWithTheNewAddress() {
        TestUsers.Created ada = users.create("moving");
        String next = "moved-" + java.util.UUID.randomUUID().toString().substring(0, 8) + "@example.org";
        signIn(browser, ada.email(), ada.password());
        browser.waitForPath("/settings/security");
        browser.click(org.openqa.selenium.By.cssSelector("#profile-menu > summary"));
        browser.click("menu-details");
        browser.waitForPath("/settings/details");
        browser.screenshot("details-page");
        browser.click("change-email");
        browser.waitForPath("/settings/confirm");
        browser.type("password", ada.password()).click("confirm");
        browser.waitForPath("/settings/details/email");
        browser.screenshot("details-email");
        browser.type("email", next).click("send-link");
        browser.waitForPath("/settings/details");
        assertThat(browser.byId("pending-email").getText()).contains(next);
        browser.screenshot("details-email-pending");

        followMailLink(next, "/settings/details/email/confirm/", "details-email-mailbox");
        browser.waitForPathStartingWith("/settings/details/email/confirm/");
        assertThat(browser.byId("new-email").getText()).isEqualTo(next);
        browser.screenshot("details-email-confirm");
        browser.click("confirm-email");
        browser.waitForPath("/settings/details");
        assertThat(browser.byId("current-email").getText()).isEqualTo(next);
        browser.screenshot("details-email-changed");

        signOut(browser);
        signIn(browser, next, ada.password());
        browser.waitForPath("/settings/security");
    }
}

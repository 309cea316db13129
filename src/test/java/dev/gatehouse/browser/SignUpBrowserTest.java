package dev.gatehouse.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** Sign-up by email link, sign-out, sign-in, a wrong password, and a password change, in a real browser. */
class SignUpBrowserTest extends BrowserTestSupport {

    private static final String PASSWORD = "violet otter under moonlight";
    private static final String NEW_PASSWORD = "seven paper lanterns drifting";

    @Test
    void signUpThenSignInThenChangePasswordWhenAllDoneInTheBrowserThenEachStepWorks() {
        String email = "ada-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";

        browser.open("/signup");
        assertThat(browser.h1()).isEqualTo("Create your account");
        assertThat(browser.byId("email").getAttribute("autocomplete")).isEqualTo("email");
        assertThat(browser.byId("password").getAttribute("autocomplete")).isEqualTo("new-password");
        browser.screenshot("signup");

        // An empty form: every field says what it needs, nothing is created.
        browser.click("signup");
        browser.waitForPath("/signup");
        assertThat(browser.notice()).contains("need your attention");
        assertThat(browser.all(By.cssSelector(".field-error"))).hasSizeGreaterThanOrEqualTo(3);
        assertThat(browser.byId("email").getAttribute("aria-invalid")).isEqualTo("true");
        browser.screenshot("signup-errors");

        browser.type("displayName", "Ada Lovelace").type("email", email).type("password", PASSWORD)
                .type("accountName", "Analytical Engines").click("signup");
        browser.waitForPath("/signup/sent");
        assertThat(browser.h1()).isEqualTo("Check your email");
        assertThat(browser.mainText()).contains("We've sent a message to " + email + ".");
        browser.screenshot("sent");

        followMailLink(email, "/signup/confirm/", "mailbox");
        browser.waitForPathStartingWith("/signup/confirm/");
        assertThat(browser.mainText()).contains("Ada Lovelace", email, "Analytical Engines");
        browser.type("password", PASSWORD);
        browser.screenshot("confirm");

        browser.click("confirm");
        browser.waitForPath("/settings/security");
        assertThat(browser.notice()).contains("Welcome");
        assertThat(browser.mainText()).contains(email, "Password", "Two-step verification");
        assertThat(browser.find(By.id("activity")).getText()).contains("Account created");
        browser.screenshot("security");
        browser.atWindowSize(390, 844, () -> browser.screenshot("security-phone"));

        signOut(browser);
        assertThat(browser.notice()).contains("signed out");
        browser.screenshot("signin");

        browser.type("email", email).type("password", "not my password at all").click("signin");
        browser.waitForPath("/signin");
        assertThat(browser.notice()).contains("don't match");
        assertThat(browser.byId("email").getAttribute("value")).isEqualTo(email);
        browser.screenshot("signin-error");

        browser.type("password", PASSWORD).click("signin");
        browser.waitForPath("/settings/security");

        // The password form stays folded away until wanted. A wrong current password is refused at its field.
        assertThat(browser.driver().findElement(By.id("currentPassword")).isDisplayed()).isFalse();
        browser.click("change-password-toggle");
        browser.type("currentPassword", "wrong password here").type("newPassword", NEW_PASSWORD)
                .type("confirmPassword", NEW_PASSWORD).click("change-password");
        assertThat(browser.byId("currentPassword-error").getText()).contains("not your current password");
        browser.screenshot("password-change-error");

        browser.type("currentPassword", PASSWORD).type("newPassword", NEW_PASSWORD)
                .type("confirmPassword", NEW_PASSWORD).click("change-password");
        browser.waitForPath("/settings/security");
        assertThat(browser.notice()).contains("password has been changed");
        assertThat(browser.find(By.id("activity")).getText()).contains("Password changed");
        browser.screenshot("password-changed");

        signOut(browser);
        browser.type("email", email).type("password", PASSWORD).click("signin");
        browser.waitForPath("/signin");
        assertThat(browser.notice()).contains("don't match");

        browser.type("password", NEW_PASSWORD).click("signin");
        browser.waitForPath("/settings/security");
        assertThat(browser.mainText()).contains(email);
    }

    @Test
    void signInWhenTenWrongPasswordsThenThePageSaysPasswordsArePausedAndForHowLong() {
        String email = "nobody-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        signOut(browser);
        for (int i = 0; i < 10; i++) {
            browser.type("email", email).type("password", "guess number " + i).click("signin");
            browser.waitForPath("/signin");
        }
        assertThat(browser.notice()).contains("Too many wrong passwords were typed for this email address")
                .contains("for 1 minute");
        assertThat(browser.byId("email").getAttribute("value")).isEqualTo(email);
        browser.screenshot("signin-paused");
        clock().advance(java.time.Duration.ofMinutes(2));
    }

    @Test
    void signInWhenTheBrowserIsInAnotherTimeZoneThenPagesShowItsLocalTimes() {
        dev.gatehouse.testsupport.TestUsers.Created ada = users.create("tz-browser");
        signOut(browser);
        // Chromium reports this zone to the page's script (Intl) as a browser in India would.
        browser.driver().executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", "Asia/Kolkata"));
        try {
            signIn(browser, ada.user().email(), ada.password());
            browser.waitForPath("/settings/security");
            assertThat(browser.mainText()).containsPattern("\\d{2}:\\d{2} IST").doesNotContain("When (UTC)");

            browser.open("/settings/activity");
            // Chromium names India's zone by its older IANA id, Asia/Calcutta: it reads as Kolkata, the list's place.
            assertThat(browser.mainText()).contains("Times are in your time zone, Kolkata (UTC+05:30)")
                    .containsPattern("\\d{1,2} \\w{3} \\d{4}, \\d{2}:\\d{2} IST");
            browser.screenshot("time-zone-activity");

            browser.open("/settings/details");
            assertThat(browser.byId("timeZone").getAttribute("value")).matches("Asia/(Kolkata|Calcutta)");
            browser.screenshot("time-zone-details");
        } finally {
            browser.driver().executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", ""));
        }
    }
}

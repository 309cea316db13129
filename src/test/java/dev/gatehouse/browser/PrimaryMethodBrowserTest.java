package dev.gatehouse.browser;

import dev.gatehouse.factor.email.EmailCodeMethod;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import dev.gatehouse.factor.CodeChallenges;
import dev.gatehouse.factor.CodeChallenges.SetupResult;
import dev.gatehouse.factor.CodeChallenges.SetupStart;
import dev.gatehouse.factor.CodeSetup;
import dev.gatehouse.factor.FactorType;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.testsupport.SentCodes;
import dev.gatehouse.testsupport.TestUsers;

/**
 * With two methods: the primary one is asked for first, the user chooses which, and "Try another way" switches.
 * Email codes are the second method (turned on through the core, with the code from the message).
 */
class PrimaryMethodBrowserTest extends TwoFactorBrowserSupport {

    @Test
    void primaryMethodWhenChosenThenAskedFirstAndTryAnotherWaySwitches() {
        TestUsers.Created ada = users.create("primary");
        String key = enableApp(ada);
        confirmSaved();
        // One method: it is primary by itself, no choice is offered, and a second method is recommended.
        assertThat(browser.present(By.id("preferences"))).isFalse();
        assertThat(browser.byId("two-factor").getText()).contains("at least two methods");

        CodeChallenges codes = context.getBean(CodeChallenges.class);
        clock().advance(java.time.Duration.ofSeconds(1));   // the test clock stands still: added after the app
        CodeSetup setup = ((SetupStart.Started) codes.startSetup(ada.user(), EmailCodeMethod.TYPE, ada.email(), null, null,
                ClientInfo.SYSTEM)).setup();
        assertThat(codes.finishSetup(ada.user(), setup, new SentCodes(context).awaitCode(ada.email(), 1),
                ClientInfo.SYSTEM)).isInstanceOf(SetupResult.Enabled.class);

        // A method added elsewhere ends this browser's session; signing in again asks for the first method.
        browser.open("/settings/security");
        browser.waitForPath("/signin");
        signIn(browser, ada.email(), ada.password());
        browser.waitForPath("/signin/verify");
        assertThat(browser.mainText()).contains("Open your authenticator app");
        browser.type("code", freshTotp(key)).click("verify");
        browser.waitForPath("/settings/security");

        // Two methods: the first one added leads until the user picks another.
        assertThat(browser.byId("primary-totp").isSelected()).isTrue();
        browser.screenshotOf(browser.byId("preferences"), "security-preferences");
        browser.click("primary-email").click("save-primary");
        browser.waitForPath("/settings/security");
        assertThat(browser.notice()).contains("Your primary method is now: Email codes.");
        // Said where the page opens (#preferences), under that section's heading, not out of sight at the top.
        assertThat(browser.find(org.openqa.selenium.By.cssSelector("#preferences [data-flash]")).getText())
                .contains("Your primary method is now: Email codes.");
        browser.screenshot("primary-saved");
        assertThat(browser.byId("primary-email").isSelected()).isTrue();

        signOut(browser);
        signIn(browser, ada.email(), ada.password());
        browser.waitForPath("/signin/verify");
        assertThat(browser.mainText()).contains("We sent a 6-digit code to " + ada.email().charAt(0) + "•••@example.com");
        browser.screenshot("verify-primary-email");

        // "Try another way" lists the other method and the backup codes, and switches.
        browser.click("try-another");
        browser.waitForPath("/signin/choose");
        assertThat(browser.all(By.cssSelector("#choices .choice-title")).stream().map(e -> e.getText()).toList())
                .containsExactly("Email codes", "Authenticator app", "Use a backup code");
        browser.screenshot("signin-choose-two-methods");
        browser.click("choose-totp");
        browser.waitForPath("/signin/verify?method=TOTP");
        assertThat(browser.mainText()).contains("authenticator app");
        browser.type("code", freshTotp(key)).click("verify");
        browser.waitForPath("/settings/security");

        // Back to the app as primary: it is asked for first again.
        browser.click("primary-totp").click("save-primary");
        browser.waitForPath("/settings/security");
        signOut(browser);
        signIn(browser, ada.email(), ada.password());
        browser.waitForPath("/signin/verify");
        assertThat(browser.mainText()).contains("Open your authenticator app");
        browser.type("code", freshTotp(key)).click("verify");
        browser.waitForPath("/settings/security");
        assertThat(browser.find(By.id("activity")).getText()).contains("Primary method changed to: Authenticator app",
                "Primary method changed to: Email codes");
    }
}

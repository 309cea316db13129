package dev.gatehouse.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.testsupport.Tools;

/** Browser steps the second-step tests share: turning the app on, and the codes it brings. */
abstract class TwoFactorBrowserSupport extends BrowserTestSupport {

    /** Signs in with the password, turns the authenticator app on; leaves the browser on the backup codes page. */
    String enableApp(TestUsers.Created user) {
        return enableAppIn(browser, user);
    }

    /** {@link #enableApp} in the given browser. */
    String enableAppIn(Browser browser, TestUsers.Created user) {
        Tools.require("oathtool");
        signIn(browser, user.email(), user.password());
        browser.waitForPath("/settings/security");
        browser.click("setup-app");
        browser.waitForPath("/settings/confirm");
        browser.type("password", user.password()).click("confirm");
        browser.waitForPath("/settings/two-factor/app");
        String key = browser.byId("secret-key").getText().replace(" ", "");
        browser.type("code", freshTotp(key)).click("activate");
        browser.waitForPath("/settings/backup-codes");
        return key;
    }

    /** The codes on the backup codes page, in order. */
    List<String> shownCodes() {
        return browser.all(By.cssSelector("#codes code")).stream().map(WebElement::getText).map(String::strip)
                .toList();
    }

    /** Ticks "I have saved these codes" and leaves the page. */
    void confirmSaved() {
        browser.click("saved").click("done");
        browser.waitForPath("/settings/security");
    }

    /** From the code page, "Try another way", then "Use a backup code", then the code. */
    void signInWithBackupCode(String code) {
        browser.waitForPath("/signin/verify");
        browser.click("try-another");
        browser.waitForPath("/signin/choose");
        browser.click("choose-backup-code");
        browser.waitForPath("/signin/backup-code");
        browser.type("code", code).click("verify-backup-code");
    }

    String backupCodesLeft() {
        return browser.byId("backup-codes-left").getText();
    }

    static void assertCodesLookRight(List<String> codes) {
        assertThat(codes).hasSize(10).doesNotHaveDuplicates()
                .allMatch(c -> c.matches("[0-9A-HJKMNP-TV-Z]{7}-[0-9A-HJKMNP-TV-Z]{7}"));
    }
}

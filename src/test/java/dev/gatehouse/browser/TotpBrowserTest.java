package dev.gatehouse.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.testsupport.Tools;

/**
 * The authenticator app from set-up to removal, with independent clients: zbarimg reads the QR code off the screen,
 * oathtool computes the codes.
 */
class TotpBrowserTest extends BrowserTestSupport {

    @Test
    void authenticatorAppWhenSetUpUsedLockedAndTurnedOffThenEachStepWorks() {
        String zbarimg = Tools.require("zbarimg");
        Tools.require("oathtool");
        TestUsers.Created ada = users.create("totp");

        signIn(browser, ada.email(), ada.password());
        browser.waitForPath("/settings/security");
        browser.click("setup-app");

        // Setting up a method is a security change: the password first.
        browser.waitForPath("/settings/confirm");
        assertThat(browser.present(By.id("code"))).isFalse();
        browser.screenshot("confirm-password");
        browser.type("password", ada.password()).click("confirm");

        browser.waitForPath("/settings/two-factor/app");
        String shownKey = browser.byId("secret-key").getText().strip();
        assertThat(shownKey).matches("([A-Z2-7]{4} )+[A-Z2-7]{1,4}");
        String key = shownKey.replace(" ", "");
        assertThat(browser.mainText()).contains("Google Authenticator", "Microsoft Authenticator", "Authy");
        browser.screenshot("totp-setup");

        // What a phone scans is the same key, for this user, from Gatehouse.
        WebElement qr = browser.byId("qr");
        assertThat(qr.getAttribute("alt")).isNotBlank();
        Path qrPng = browser.screenshotOf(qr, "totp-setup-qr");
        String scanned = Tools.run(List.of(zbarimg, "--raw", "-q", qrPng.toString())).strip();
        assertThat(scanned).isEqualTo("otpauth://totp/Gatehouse:" + enc(ada.email()) + "?secret=" + key
                + "&issuer=Gatehouse");

        // A wrong first code is explained, and the same key stays on the page.
        browser.type("code", wrongCode(key)).click("activate");
        assertThat(browser.notice()).contains("didn't match");
        assertThat(browser.byId("secret-key").getText().strip()).isEqualTo(shownKey);
        browser.screenshot("totp-setup-error");

        browser.type("code", freshTotp(key)).click("activate");
        // The first method brings backup codes, shown once (BackupCodesBrowserTest looks at them closely).
        browser.waitForPath("/settings/backup-codes");
        // It says what the change did elsewhere: a session on another device was signed out by it.
        assertThat(browser.notice()).contains("authenticator app is on", "Any other sessions of yours are signed out");
        browser.click("saved").click("done");
        browser.waitForPath("/settings/security");
        assertThat(browser.find(By.id("method-app")).getText()).contains("On");
        browser.screenshot("totp-on");

        // Sign-in now asks for a code.
        signOut(browser);
        signIn(browser, ada.email(), ada.password());
        browser.waitForPath("/signin/verify");
        WebElement code = browser.byId("code");
        assertThat(code.getAttribute("autocomplete")).isEqualTo("one-time-code");
        assertThat(code.getAttribute("inputmode")).isEqualTo("numeric");
        assertThat(browser.find(By.cssSelector("label[for=code]")).getText()).isNotBlank();
        browser.screenshot("verify");
        browser.type("code", freshTotp(key)).click("verify");
        browser.waitForPath("/settings/security");

        // Six wrong codes pause code entry; the page says for how long, and even the right code is refused.
        signOut(browser);
        signIn(browser, ada.email(), ada.password());
        browser.waitForPath("/signin/verify");
        String wrong = wrongCode(key);
        for (int i = 1; i <= 5; i++) {
            browser.type("code", wrong).click("verify");
            assertThat(browser.notice()).as("after wrong code %d", i).contains("didn't work");
        }
        browser.screenshot("verify-wrong");
        browser.type("code", wrong).click("verify");
        assertThat(browser.notice()).contains("Too many wrong codes").contains("5 minutes");
        assertThat(browser.present(By.id("code"))).isFalse();
        browser.screenshot("verify-locked");

        browser.open("/signin/verify");
        if (browser.present(By.id("code"))) {
            browser.type("code", freshTotp(key)).click("verify");
            browser.waitForPath("/signin/verify");
        }
        assertThat(browser.notice()).as("a reload, and a right code, still meet the wait")
                .contains("Too many wrong codes");
        // "Try another way" says every way that takes a code waits too, instead of offering them as if they did not.
        browser.open("/signin/choose");
        assertThat(browser.byId("choose-paused").getText()).contains("Code entry is paused",
                "backup codes too", "try again in 5 minutes").as("no security key to name")
                .doesNotContain("ecurity key");
        assertThat(browser.mainText()).as("nor an invitation to use any of them").doesNotContain("Use any of these");

        clock().advance(Duration.ofMinutes(5));
        browser.open("/signin/verify");
        // Clicked twice, the form goes once: the second copy used to find the sign-in done by the first and answer
        // "This form has expired", and the code was spent.
        browser.type("code", freshTotp(key));
        browser.script("var verify = document.getElementById('verify'); verify.click();"
                + " setTimeout(function () { verify.click(); }, 0);");
        browser.waitForPath("/settings/security");

        // Turning it off needs the password and, once the last code is older than 15 minutes, a code as well.
        clock().advance(Duration.ofMinutes(16));
        browser.open("/settings/security");
        browser.click("remove-app");
        browser.waitForPath("/settings/confirm");
        assertThat(browser.byId("code").getAttribute("autocomplete")).isEqualTo("one-time-code");
        browser.screenshot("confirm-password-code");
        browser.type("password", ada.password()).type("code", freshTotp(key)).click("confirm");

        browser.waitForPathStartingWith("/settings/two-factor/");
        assertThat(browser.h1()).containsIgnoringCase("authenticator app");
        browser.screenshot("totp-remove");
        browser.click("remove");
        browser.waitForPath("/settings/security");
        assertThat(browser.notice()).contains("Removed: Authenticator app.");
        assertThat(browser.present(By.id("setup-app"))).isTrue();
        assertThat(browser.find(By.id("activity")).getText())
                .contains("Authenticator app removed", "Code entry paused");
        browser.screenshot("totp-removed");

        // And the password alone signs in again.
        signOut(browser);
        signIn(browser, ada.email(), ada.password());
        browser.waitForPath("/settings/security");
    }

    /** A code that is surely not the current one (nor one step either side). */
    private String wrongCode(String key) {
        String now = totpNow(key);
        return now.equals("123456") ? "654321" : "123456";
    }
}

package dev.gatehouse.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import dev.gatehouse.testsupport.TestUsers;

/**
 * Backup codes and trusted devices in a real browser: the codes shown once when the app is turned on, a sign-in with
 * one ("Try another way"), new codes voiding the old, and "Remember this device" until it is removed; and the sessions
 * beside the devices, one signed out from another browser.
 */
class BackupCodesBrowserTest extends TwoFactorBrowserSupport {

    @Test
    void backupCodesWhenSavedUsedAndRegeneratedThenTheCountDropsAndOldCodesFail() {
        TestUsers.Created ada = users.create("codes");
        String key = enableApp(ada);

        // Shown once, with the ways to keep them.
        List<String> codes = shownCodes();
        assertCodesLookRight(codes);
        assertThat(browser.h1()).isEqualTo("Save your backup codes");
        assertThat(browser.notice()).contains("authenticator app is on");
        for (String id : List.of("download-pdf", "download-text", "print-codes", "copy-codes")) {
            assertThat(browser.byId(id).isDisplayed()).as(id).isTrue();
        }
        assertThat(browser.byId("download-pdf").getAttribute("href")).endsWith("/settings/backup-codes/backup-codes.pdf");
        browser.screenshot("backup-codes");
        browser.driver().executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", "print"));
        browser.screenshot("backup-codes-print");
        browser.driver().executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", ""));
        browser.atWindowSize(390, 844, () -> browser.screenshot("backup-codes-phone"));

        // "Done" needs the box ticked (the browser itself insists), then the codes are gone for good.
        browser.clickRefusedByTheBrowser("done");
        assertThat(browser.path()).isEqualTo("/settings/backup-codes");
        confirmSaved();
        assertThat(browser.notice()).contains("backup codes are saved");
        assertThat(backupCodesLeft()).isEqualTo("10 of 10 codes left");
        browser.open("/settings/backup-codes");
        browser.waitForPath("/settings/security");
        browser.screenshot("security-backup-codes");

        // Phone lost: sign in with a backup code, typed in lower case without the dash.
        signOut(browser);
        signIn(browser, ada.email(), ada.password());
        browser.waitForPath("/signin/verify");
        browser.click("try-another");
        browser.waitForPath("/signin/choose");
        assertThat(browser.mainText()).contains("Authenticator app", "Use a backup code", "10 codes left",
                "Can't use any of these?");
        browser.screenshot("signin-choose");
        browser.click("choose-backup-code");
        browser.waitForPath("/signin/backup-code");
        browser.screenshot("signin-backup-code");
        browser.type("code", codes.get(0).toLowerCase().replace("-", "")).click("verify-backup-code");
        browser.waitForPath("/settings/security");
        assertThat(browser.notice()).contains("9 are left");
        assertThat(backupCodesLeft()).isEqualTo("9 of 10 codes left");

        // New codes: re-confirmation (the backup code just proved a second factor, so the password is enough).
        browser.click("regenerate-codes");
        browser.waitForPath("/settings/confirm");
        browser.type("password", ada.password()).click("confirm");
        browser.waitForPath("/settings/backup-codes/new");
        assertThat(browser.mainText()).contains("9 of 10 codes left");
        browser.screenshot("backup-codes-regenerate");
        browser.click("regenerate");
        browser.waitForPath("/settings/backup-codes");
        assertThat(browser.h1()).isEqualTo("Your new backup codes");
        List<String> fresh = shownCodes();
        assertCodesLookRight(fresh);
        assertThat(fresh).doesNotContainAnyElementsOf(codes);
        confirmSaved();
        assertThat(backupCodesLeft()).isEqualTo("10 of 10 codes left");

        // An old code fails; a new one works.
        signOut(browser);
        signIn(browser, ada.email(), ada.password());
        signInWithBackupCode(codes.get(1));
        assertThat(browser.path()).isEqualTo("/signin/backup-code");
        assertThat(browser.notice()).contains("didn't work");
        browser.screenshot("signin-backup-code-wrong");
        browser.type("code", fresh.get(1)).click("verify-backup-code");
        browser.waitForPath("/settings/security");
        assertThat(browser.find(By.id("activity")).getText()).contains("Backup code used", "Backup codes created",
                "Signed in with a backup code", "Wrong verification code");
        assertThat(key).isNotBlank();
    }

    @Test
    void rememberThisDeviceWhenTickedThenTheNextSignInSkipsTheCodeUntilRemoved() {
        TestUsers.Created bob = users.create("device");
        String key = enableApp(bob);
        confirmSaved();
        signOut(browser);

        signIn(browser, bob.email(), bob.password());
        browser.waitForPath("/signin/verify");
        assertThat(browser.find(By.cssSelector("label[for=remember]")).getText())
                .contains("Remember this device for 30 days");
        browser.screenshot("verify-remember");
        browser.click("remember").type("code", freshTotp(key)).click("verify");
        browser.waitForPath("/settings/security");

        // The next sign-in on this browser: the password is enough.
        signOut(browser);
        signIn(browser, bob.email(), bob.password());
        browser.waitForPath("/settings/security");
        String devices = browser.byId("trusted-devices").getText();
        assertThat(devices).contains("Chrome on Linux", "Remove all", "This browser", "Added", "Last used",
                "This network");
        assertThat(browser.find(By.id("activity")).getText()).contains("Signed in on a trusted device",
                "Device remembered");
        browser.screenshotOf(browser.byId("trusted-devices"), "trusted-devices");
        browser.screenshot("security-trusted-devices");

        // Removed: the code is asked again.
        browser.click("remove-device-0");
        browser.waitForPath("/settings/security");
        assertThat(browser.notice()).contains("no longer trusted");
        assertThat(browser.byId("no-trusted-devices").getText()).contains("No device is trusted");
        signOut(browser);
        signIn(browser, bob.email(), bob.password());
        browser.waitForPath("/signin/verify");
        browser.type("code", freshTotp(key)).click("verify");
        browser.waitForPath("/settings/security");
    }

    @Test
    void sessionsWhenSignedInOnTwoBrowsersThenTheFirstSeesBothAndSignsTheOtherOut() {
        TestUsers.Created ada = users.create("sessions");
        try (Browser other = browser.another()) {
            signIn(other, ada.email(), ada.password());
            other.waitForPath("/settings/security");
            signIn(browser, ada.email(), ada.password());
            browser.waitForPath("/settings/security");

            // Both read "Chrome on Linux": this one is marked, the other has its own "Sign out".
            assertThat(browser.all(By.cssSelector("#sessions-list tbody tr"))).hasSize(2);
            assertThat(browser.byId("session-0").getText()).contains("Chrome on Linux", "This session", "Now",
                    "This network").doesNotContain("Sign out");
            assertThat(browser.byId("session-1").getText()).contains("Chrome on Linux", "This network", "Sign out")
                    .doesNotContain("This session");
            assertThat(browser.byId("signout-everywhere").getText()).isEqualTo("Sign out everywhere");
            browser.screenshotOf(browser.byId("sessions"), "sessions");
            browser.screenshot("security-sessions");
            // On a phone each session is a block of its own, and its Sign out is on the screen, not past its edge.
            browser.atWindowSize(390, 844, () -> {
                browser.assertWithinWidth("signout-session-1");
                browser.screenshotOf(browser.byId("sessions"), "sessions-phone");
            });

            browser.click("signout-session-1");
            browser.waitForPath("/settings/security");
            assertThat(browser.notice()).contains("That session is signed out");
            assertThat(browser.all(By.cssSelector("#sessions-list tbody tr"))).hasSize(1);
            assertThat(browser.find(By.id("activity")).getText()).contains("Signed out another session");
            browser.screenshot("security-session-signed-out");

            // The other browser still shows its page; its next click finds it signed out.
            other.click("all-activity");
            other.waitForPath("/signin");
            other.screenshot("session-ended-elsewhere");
        }
    }
}

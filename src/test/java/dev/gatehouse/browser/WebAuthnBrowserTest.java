package dev.gatehouse.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.virtualauthenticator.Credential;
import org.openqa.selenium.virtualauthenticator.HasVirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.testsupport.TestUsers;

/**
 * Security keys and devices in Chromium, with Selenium's virtual authenticators standing in for the hardware: a
 * platform authenticator (CTAP2, internal transport, user verification: Touch ID or Windows Hello) and an old-style
 * security key (U2F protocol, USB). Each is added through the page, signs in on its own, and the one removed is then
 * refused.
 */
class WebAuthnBrowserTest extends BrowserTestSupport {

    private HasVirtualAuthenticator authenticators() {
        return (HasVirtualAuthenticator) browser.driver();
    }

    private VirtualAuthenticator plugInPlatform() {
        return authenticators().addVirtualAuthenticator(new VirtualAuthenticatorOptions()
                .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
                .setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
                .setHasUserVerification(true).setIsUserVerified(true).setHasResidentKey(true));
    }

    private VirtualAuthenticator plugInSecurityKey() {
        return authenticators().addVirtualAuthenticator(new VirtualAuthenticatorOptions()
                .setProtocol(VirtualAuthenticatorOptions.Protocol.U2F)
                .setTransport(VirtualAuthenticatorOptions.Transport.USB));
    }

    /** Takes the device away from the browser, keeping what it holds (as a person puts a key in their pocket). */
    private List<Credential> unplug(VirtualAuthenticator authenticator) {
        List<Credential> held = authenticator.getCredentials();
        authenticators().removeVirtualAuthenticator(authenticator);
        return held;
    }

    private void useKeyAtSignIn() {
        browser.waitForPath("/signin/webauthn");
        browser.click("webauthn-use");
    }

    @Test
    void platformAuthenticatorAndSecurityKeyWhenAddedThroughThePageThenEachSignsInAndARemovedOneIsRefused() {
        TestUsers.Created ada = users.create("keys");
        signIn(browser, ada.email(), ada.password());
        browser.waitForPath("/settings/security");
        assertThat(browser.byId("webauthn").getText()).contains("Security keys and devices", "None added yet.");

        // 1. This computer's fingerprint reader: re-confirmation, a name, the browser's dialog.
        VirtualAuthenticator platform = plugInPlatform();
        browser.click("add-webauthn");
        browser.waitForPath("/settings/confirm");
        browser.type("password", ada.password()).click("confirm");
        browser.waitForPath("/settings/webauthn/new");
        assertThat(browser.mainText()).contains("Add a security key or device", "Name", "Continue");
        browser.screenshot("webauthn-add");
        browser.type("name", "Laptop fingerprint").click("webauthn-continue");
        // The first method brings the backup codes, shown once.
        browser.waitForPath("/settings/backup-codes");
        assertThat(browser.notice()).contains("\u201cLaptop fingerprint\u201d is added");
        browser.click("saved").click("done");
        browser.waitForPath("/settings/security");
        assertThat(browser.byId("webauthn-list").getText()).contains("Laptop fingerprint",
                "Built-in");

        // 2. A U2F security key, in place of the fingerprint reader.
        List<Credential> platformHolds = unplug(platform);
        assertThat(platformHolds).hasSize(1);
        VirtualAuthenticator key = plugInSecurityKey();
        clock().advance(java.time.Duration.ofMinutes(1));
        browser.click("add-webauthn");
        browser.waitForPath("/settings/webauthn/new");
        browser.type("name", "YubiKey <5>").click("webauthn-continue");
        browser.waitForPath("/settings/security");
        assertThat(browser.notice()).contains("\u201cYubiKey <5>\u201d is added");
        String list = browser.byId("webauthn-list").getText();
        assertThat(list).contains("Laptop fingerprint", "YubiKey <5>", "Security key", "Not yet");
        browser.screenshot("webauthn-list");
        assertThat(key.getCredentials()).hasSize(1);
        // Attestation was accepted untrusted; what the browser said about each model is kept for later.
        assertThat(context.getBean(org.springframework.jdbc.core.simple.JdbcClient.class).sql("""
                select c.kind || ' ' || c.attestation_format from webauthn_credentials c
                join second_factors f on f.id = c.factor_id where c.user_id = ? order by f.created_at""")
                .param(ada.user().id()).query(String.class).list())
                .containsExactly("THIS_DEVICE packed", "SECURITY_KEY fido-u2f");

        // 3. Signing in with the security key.
        signOut(browser);
        signIn(browser, ada.email(), ada.password());
        browser.waitForPath("/signin/webauthn");
        assertThat(browser.mainText()).contains("Use your security key or device", "Try another way",
                "may not work in another");
        browser.screenshot("webauthn-signin");
        browser.click("webauthn-use");
        browser.waitForPath("/settings/security");

        // 4. Signing in with the fingerprint reader.
        signOut(browser);
        unplug(key);
        VirtualAuthenticator platformAgain = plugInPlatform();
        platformHolds.forEach(platformAgain::addCredential);
        signIn(browser, ada.email(), ada.password());
        useKeyAtSignIn();
        browser.waitForPath("/settings/security");
        assertThat(browser.byId("webauthn-0").getText()).doesNotContain("Not yet");

        // 5. Removing the fingerprint reader, after which it signs in no more. Past the 15 minutes of the sign-in's
        //    proof, re-confirmation asks for the password and a key (the fingerprint reader itself, here).
        clock().advance(java.time.Duration.ofMinutes(16));
        browser.click("remove-webauthn-0");
        browser.waitForPath("/settings/confirm");
        assertThat(browser.mainText()).contains("then use your security key or device", "Use a code instead");
        browser.screenshot("webauthn-confirm");
        browser.type("password", ada.password()).click("confirm-webauthn");
        browser.waitForPathStartingWith("/settings/webauthn/");
        assertThat(browser.h1()).isEqualTo("Remove \u201cLaptop fingerprint\u201d?");
        browser.screenshot("webauthn-remove");
        browser.click("remove");
        browser.waitForPath("/settings/security");
        assertThat(browser.notice()).contains("\u201cLaptop fingerprint\u201d is removed");
        assertThat(browser.byId("webauthn-list").getText()).doesNotContain("Laptop fingerprint").contains("YubiKey");

        signOut(browser);
        signIn(browser, ada.email(), ada.password());
        browser.waitForPath("/signin/webauthn");
        // The server no longer offers the removed credential to the browser...
        String removedId = Base64.getUrlEncoder().withoutPadding().encodeToString(platformHolds.get(0).getId());
        assertThat(browser.byId("webauthn-form").getAttribute("data-webauthn-options")).doesNotContain(removedId)
                .contains("allowCredentials");
        // ...and refuses it when a client offers it all the same.
        browser.script("""
                const form = document.getElementById('webauthn-form');
                const options = JSON.parse(form.dataset.webauthnOptions);
                options.publicKey.allowCredentials = [{type: 'public-key', id: arguments[0]}];
                form.dataset.webauthnOptions = JSON.stringify(options);""", removedId);
        browser.click("webauthn-use");
        browser.waitForPath("/signin/webauthn");
        assertThat(browser.notice()).contains("isn't registered to your account");
        assertThat(browser.present(By.id("try-another"))).isTrue();
        browser.screenshot("webauthn-signin-refused");
        browser.open("/settings/security");
        browser.waitForPath("/signin");

        assertThat(context.getBean(AuditLog.class).typesForUser(ada.user().id())).containsSubsequence(
                AuditEventType.FACTOR_ENABLED, AuditEventType.FACTOR_ENABLED, AuditEventType.SIGN_IN,
                AuditEventType.SIGN_IN, AuditEventType.FACTOR_DISABLED);
        assertThat(awaitMailWith(ada.email(), "Name: YubiKey <5>").subject())
                .isEqualTo("Gatehouse: a security key or device was added");
        authenticators().removeVirtualAuthenticator(platformAgain);
    }
}

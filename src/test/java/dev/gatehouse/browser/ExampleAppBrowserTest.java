package dev.gatehouse.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

import com.example.relying.RelyingApp;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.oidc.ExampleApp;
import dev.gatehouse.oidc.OidcClients;
import dev.gatehouse.testsupport.TestUsers;

/**
 * The example relying application (examples/relying-app: Spring Security's OAuth2 client, nothing of Gatehouse's),
 * started in this JVM beside the server and registered the way the trial registers it, driven in Chromium: sign-in
 * with the password and the authenticator app, the claims it was told, "Remember this device", a sign-in on that
 * device, the page that demands a second factor proved now (asked even on the trusted device), and signing out at
 * Gatehouse through the application.
 */
class ExampleAppBrowserTest extends TwoFactorBrowserSupport {

    /** Auto-configurations the example would pick up from Gatehouse's class path here; on its own it has none of them. */
    private static final List<String> NOT_IN_THE_EXAMPLE = List.of(
            "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
            "org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet"
                    + ".OAuth2AuthorizationServerAutoConfiguration",
            "org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet"
                    + ".OAuth2AuthorizationServerJwtAutoConfiguration");

    private ConfigurableApplicationContext app;
    private String appBase;

    @BeforeAll
    void startTheExampleApp() {
        app = RelyingApp.builder().run("--server.port=0", "--relying.gatehouse.issuer=http://localhost:" + port,
                "--spring.autoconfigure.exclude=" + String.join(",", NOT_IN_THE_EXAMPLE),
                "--management.server.port=-1");
        appBase = "http://localhost:" + ((WebServerApplicationContext) app).getWebServer().getPort();
        ExampleApp.register(context.getBean(OidcClients.class), context.getBean(RegisteredClientRepository.class),
                URI.create(appBase));
    }

    @AfterAll
    void stopTheExampleApp() {
        if (app != null) {
            app.close();
        }
    }

    private String claim(String name) {
        return browser.byId("claim-" + name).getText();
    }

    /** Signs out with the example's button: through Gatehouse's /connect/logout and back to the example's home. */
    private void signOutOfTheApp() {
        browser.click("sign-out");
        browser.waitForPath("/");
        assertThat(browser.driver().getCurrentUrl()).startsWith(appBase);
        assertThat(browser.present(By.id("sign-in"))).as("signed out of the example").isTrue();
        // ... and of Gatehouse.
        browser.open("/settings/security");
        browser.waitForPath("/signin");
    }

    @Test
    void exampleAppWhenSignedInWithAppCodeThenClaimsThenTrustedDeviceThenStepUpAsksTheFactorThenSignOut() {
        TestUsers.Created ada = users.create("example-ada");
        String key = enableApp(ada);
        confirmSaved();
        signOut(browser);

        // Home, then a page that needs a sign-in: to Gatehouse, password, app code, back to that page.
        browser.open(appBase + "/");
        assertThat(browser.h1()).isEqualTo("Welcome");
        browser.screenshot("example-home");
        browser.open(appBase + "/claims");
        browser.waitForPath("/signin");
        assertThat(browser.driver().getCurrentUrl()).startsWith(browser.base());
        assertThat(browser.byId("continue-to").getText()).as("says who asked")
                .isEqualTo("Sign in to continue to Example app (trial).");
        browser.type("email", ada.email()).type("password", ada.password()).click("signin");
        browser.waitForPath("/signin/verify");
        browser.type("code", freshTotp(key)).click("verify");
        browser.waitForPath("/claims");
        assertThat(browser.driver().getCurrentUrl()).startsWith(appBase);
        assertThat(claim("sub")).isEqualTo(ada.user().id().toString());
        assertThat(claim("email")).isEqualTo(ada.email());
        assertThat(claim("amr")).isEqualTo("pwd otp mfa");
        assertThat(claim("acr")).isEqualTo("urn:gatehouse:acr:mfa-now");
        assertThat(claim("auth-time")).isNotBlank();
        browser.screenshot("example-claims");
        signOutOfTheApp();

        // Again, with "Remember this device".
        browser.open(appBase + "/claims");
        browser.waitForPath("/signin");
        browser.type("email", ada.email()).type("password", ada.password()).click("signin");
        browser.waitForPath("/signin/verify");
        browser.click("remember").type("code", freshTotp(key)).click("verify");
        browser.waitForPath("/claims");
        assertThat(claim("amr")).isEqualTo("pwd otp mfa");
        signOutOfTheApp();

        // On the trusted device the password is enough: the application is told so.
        browser.open(appBase + "/claims");
        browser.waitForPath("/signin");
        browser.type("email", ada.email()).type("password", ada.password()).click("signin");
        browser.waitForPath("/claims");
        assertThat(claim("amr")).isEqualTo("pwd x-trusted-device");
        assertThat(claim("acr")).isEqualTo("urn:gatehouse:acr:mfa");
        browser.screenshot("example-claims-trusted-device");

        // The payments page wants a factor proved now: Gatehouse asks for it, trusted device or not.
        browser.click("nav-step-up");
        browser.waitForPath("/signin/verify");
        assertThat(browser.driver().getCurrentUrl()).startsWith(browser.base());
        browser.screenshot("example-step-up-asks-the-code");
        browser.type("code", freshTotp(key)).click("verify");
        browser.waitForPath("/step-up");
        assertThat(browser.byId("stepped-up").getText()).contains("just now");
        assertThat(claim("acr")).isEqualTo("urn:gatehouse:acr:mfa-now");
        assertThat(claim("amr")).isEqualTo("pwd x-trusted-device otp mfa");
        browser.screenshot("example-step-up");
        // Proved now, the page opens without asking again.
        browser.click("nav-home").click("nav-step-up");
        browser.waitForPath("/step-up");

        signOutOfTheApp();
        browser.screenshot("example-signed-out");
        assertThat(context.getBean(AuditLog.class).typesForUser(ada.user().id())).contains(AuditEventType.SIGN_IN,
                AuditEventType.TRUSTED_DEVICE_ADDED, AuditEventType.REAUTHENTICATED, AuditEventType.SIGN_OUT);
    }
}

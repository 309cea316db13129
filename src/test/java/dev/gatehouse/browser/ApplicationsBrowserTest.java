package dev.gatehouse.browser;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.gatehouse.testsupport.TestUsers;

/**
 * An account owner on the Applications page: registers a web application, then changes its addresses with "Edit
 * addresses", a wrong one first (the field says why, nothing changes), then a right one.
 */
class ApplicationsBrowserTest extends BrowserTestSupport {

    @Test
    void editAddressesWhenOneIsNotHttpsThenTheFieldSaysWhyAndWhenRightThenTheListShowsThem() throws Exception {
        TestUsers.Created owner = users.create("apps-owner");
        signIn(browser, owner.email(), owner.password());
        browser.waitForPath("/settings/security");
        String page = "/accounts/" + owner.accountId() + "/applications";
        browser.open(page);
        browser.waitForPath("/settings/confirm");
        browser.type("password", owner.password()).click("confirm");
        browser.waitForPath(page);

        browser.type("name", "Billing").type("redirectUris", "https://billing.example/callback")
                .click("register-application");
        browser.waitForPath(page + "/secret");
        String clientId = browser.byId("client-id").getText();
        // What the developer needs next beside the credentials, and a way to copy them (a new user looked for both).
        assertThat(browser.byId("issuer").getText()).isEqualTo("http://localhost:" + port);
        assertThat(browser.mainText()).contains("http://localhost:" + port + "/.well-known/openid-configuration");
        // The issuer shown is the one the discovery document names.
        java.net.http.HttpResponse<String> discovery = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port
                        + "/.well-known/openid-configuration")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(discovery.body()).contains("\"issuer\":\"" + browser.byId("issuer").getText() + "\"");
        assertThat(browser.byId("copy-client-id").isDisplayed()).isTrue();
        assertThat(browser.byId("copy-client-secret").isDisplayed()).isTrue();
        browser.screenshot("application-secret");
        browser.click("back-to-applications");
        browser.waitForPath(page);

        browser.click("edit-" + clientId);
        browser.waitForPath(page + "/edit");
        assertThat(browser.h1()).isEqualTo("Addresses of Billing");
        assertThat(browser.byId("redirectUris").getAttribute("value")).isEqualTo("https://billing.example/callback");
        browser.screenshot("application-edit");

        browser.type("redirectUris", "http://billing.example/callback").click("save-addresses");
        browser.waitForPath(page + "/edit");
        assertThat(browser.byId("redirectUris-error").getText()).contains("Use https");
        assertThat(browser.byId("clients-errors").getText()).contains("Nothing was changed");
        browser.screenshot("application-edit-refused");

        browser.type("redirectUris", "https://billing.example/callback\nhttps://billing.example/other")
                .type("postLogoutUris", "https://billing.example/").click("save-addresses");
        browser.waitForPath(page);
        assertThat(browser.notice()).contains("The addresses of \u201cBilling\u201d are saved.");
        assertThat(browser.byId("application-" + clientId).getText()).contains("https://billing.example/other");
        browser.screenshot("applications-edited");
        // On a phone each application is a block of its own, its actions on the screen (found by a new user at 390 px).
        browser.atWindowSize(390, 844, () -> {
            browser.assertWithinWidth("edit-" + clientId, "new-secret-" + clientId, "remove-" + clientId);
            browser.screenshot("applications-phone");
        });
    }
}

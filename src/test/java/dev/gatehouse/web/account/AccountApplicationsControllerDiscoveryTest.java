package dev.gatehouse.web.account;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The discovery document shown beside a new application's secret: one slash between the issuer and its path. */
class AccountApplicationsControllerDiscoveryTest {

    @Test
    void discoveryWhenTheIssuerEndsWithASlashOrNotThenOneSlashBetween() {
        assertThat(AccountApplicationsController.discovery("https://sso.example.com"))
                .isEqualTo("https://sso.example.com/.well-known/openid-configuration");
        assertThat(AccountApplicationsController.discovery("https://sso.example.com/"))
                .isEqualTo("https://sso.example.com/.well-known/openid-configuration");
        assertThat(AccountApplicationsController.discovery("https://example.com/sso"))
                .isEqualTo("https://example.com/sso/.well-known/openid-configuration");
    }
}

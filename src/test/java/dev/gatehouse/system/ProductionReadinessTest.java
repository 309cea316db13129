package dev.gatehouse.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class ProductionReadinessTest {

    @Test
    void startWhenTrialDefaultsThenRefusedNamingEverySetting() {
        MockEnvironment env = new MockEnvironment()
                .withProperty("spring.datasource.url", "jdbc:h2:file:./data/gatehouse")
                .withProperty("gatehouse.crypto.generate-key-file", "true")
                .withProperty("server.servlet.session.cookie.secure", "true")
                .withProperty("gatehouse.base-url", "http://localhost:8080");
        assertThatThrownBy(() -> new ProductionReadiness(env))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("spring.datasource.url")
                .hasMessageContaining("gatehouse.crypto.active-key-id")
                .hasMessageContaining("gatehouse.crypto.generate-key-file")
                .hasMessageContaining("gatehouse.mail.gateway")
                .hasMessageContaining("spring.mail.host")
                .hasMessageContaining("gatehouse.sms.gateway")
                .hasMessageContaining("gatehouse.base-url");
    }

    @Test
    void startWhenEverySettingGivenThenAccepted() {
        MockEnvironment env = new MockEnvironment()
                .withProperty("spring.datasource.url", "jdbc:postgresql://db/gatehouse")
                .withProperty("gatehouse.crypto.active-key-id", "k2026")
                .withProperty("gatehouse.crypto.keys.k2026", "c2VjcmV0")
                .withProperty("gatehouse.mail.gateway", "smtp")
                .withProperty("spring.mail.host", "smtp.example.com")
                .withProperty("gatehouse.sms.gateway", "twilio")
                .withProperty("gatehouse.base-url", "https://login.example.com");
        assertThat(ProductionReadiness.problems(env)).isEmpty();
    }

    @Test
    void startWhenTheTrialExampleAppIsRegisteredThenRefused() {
        MockEnvironment env = new MockEnvironment()
                .withProperty("spring.datasource.url", "jdbc:postgresql://db/gatehouse")
                .withProperty("gatehouse.crypto.active-key-id", "k2026")
                .withProperty("gatehouse.mail.gateway", "smtp")
                .withProperty("spring.mail.host", "smtp.example.com")
                .withProperty("gatehouse.sms.gateway", "none")
                .withProperty("gatehouse.base-url", "https://login.example.com")
                .withProperty("gatehouse.dev.example-app-url", "http://localhost:8090");
        assertThat(ProductionReadiness.problems(env)).singleElement().asString()
                .contains("gatehouse.dev.example-app-url");
    }

    @Test
    void refusalNeverContainsTheKeyMaterial() {
        MockEnvironment env = new MockEnvironment()
                .withProperty("spring.datasource.url", "jdbc:h2:mem:x")
                .withProperty("gatehouse.crypto.keys.k1", "VERY-SECRET-KEY-MATERIAL");
        assertThatThrownBy(() -> new ProductionReadiness(env)).hasMessageNotContaining("VERY-SECRET");
    }
}

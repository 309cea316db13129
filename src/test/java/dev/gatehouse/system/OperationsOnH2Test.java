package dev.gatehouse.system;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.gatehouse.testsupport.H2Test;
import dev.gatehouse.testsupport.WebSession;

/** What an operator watches: health and Prometheus metrics on the management port, and only there. */
@H2Test
class OperationsOnH2Test {

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Test
    void healthWhenServerRunsThenUpOnManagementPort() {
        WebSession.Page health = new WebSession(managementPort).get("/actuator/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body()).contains("\"UP\"");
    }

    @Test
    void prometheusWhenScrapedThenJvmAndHttpMetrics() {
        new WebSession(port).get("/signin");
        WebSession.Page metrics = new WebSession(managementPort).get("/actuator/prometheus");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_memory_used_bytes", "http_server_requests_seconds");
    }

    @Test
    void actuatorWhenAskedOnPublicPortThenNotServed() {
        WebSession.Page page = new WebSession(port).get("/actuator/health");
        assertThat(page.status()).isNotEqualTo(200);
        assertThat(page.body()).doesNotContain("\"UP\"");
    }
}

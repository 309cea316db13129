package dev.gatehouse.system;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;

import dev.gatehouse.testsupport.H2Test;
import dev.gatehouse.testsupport.WebSession;

/** What an operator watches: health and Prometheus metrics on the management port, and only there. */
@H2Test
class OperationsOnH2Test {

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Autowired
    Environment environment;

    @Autowired
    ApplicationContext context;

    @Autowired
    HealthEndpointGroups healthGroups;

    @Test
    void healthWhenServerRunsThenUpOnManagementPort() {
        WebSession.Page health = new WebSession(managementPort).get("/actuator/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body()).contains("\"UP\"");
    }

    @Test
    void probesWhenServerRunsThenLivenessAndReadinessUpOnManagementPort() {
        for (String probe : List.of("/actuator/health/liveness", "/actuator/health/readiness")) {
            WebSession.Page page = new WebSession(managementPort).get(probe);
            assertThat(page.status()).as(probe).isEqualTo(200);
            assertThat(page.body()).as(probe).contains("\"status\":\"UP\"");
        }
    }

    @Test
    void probesWhenAskedOnPublicPortThenNotServed() {
        for (String probe : List.of("/actuator/health/liveness", "/actuator/health/readiness", "/livez", "/readyz",
                "/actuator/prometheus")) {
            WebSession.Page page = new WebSession(port).get(probe);
            assertThat(page.status()).as(probe).isNotEqualTo(200);
            assertThat(page.body()).as(probe).doesNotContain("\"UP\"").doesNotContain("jvm_");
        }
    }

    @Test
    void probeGroupsWhenDefinedThenReadinessWaitsForTheDatabaseAndLivenessDoesNot() {
        // A database outage takes nodes out of the load balancer (readiness) without restarting them (liveness).
        assertThat(healthGroups.get("readiness").isMember("db")).isTrue();
        assertThat(healthGroups.get("readiness").isMember("readinessState")).isTrue();
        assertThat(healthGroups.get("liveness").isMember("db")).isFalse();
        assertThat(healthGroups.get("liveness").isMember("livenessState")).isTrue();
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

    @Test
    void managementAndTrialPortsWhenReachedFromAnotherInterfaceThenRefused() throws Exception {
        // The trial (and this test server, in the dev profile) and the management port listen on loopback only.
        List<InetAddress> others = java.util.Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .filter(nic -> { try { return nic.isUp() && !nic.isLoopback(); } catch (Exception e) { return false; } })
                .flatMap(nic -> java.util.Collections.list(nic.getInetAddresses()).stream())
                .filter(a -> a instanceof java.net.Inet4Address && !a.isLoopbackAddress()).toList();
        assertThat(environment.getProperty("management.server.address")).isEqualTo("127.0.0.1");
        assertThat(environment.getProperty("server.address")).isEqualTo("127.0.0.1");
        for (InetAddress address : others) {
            for (int p : new int[] {port, managementPort}) {
                try (Socket socket = new Socket()) {
                    assertThatThrownBy(() -> socket.connect(new InetSocketAddress(address, p), 2000))
                            .as(address + ":" + p).isInstanceOf(java.io.IOException.class);
                }
            }
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), managementPort), 2000);
        }
    }

    @Test
    void errorPathWhenAskedForDirectlyThenPageNotFound() {
        WebSession.Page page = new WebSession(port).get("/error");
        assertThat(page.status()).isEqualTo(404);
        assertThat(page.body()).doesNotContain("999");
        WebSession.Page json = new WebSession(port).accept("application/json").get("/error");
        assertThat(json.status()).isEqualTo(404);
    }

    /**
     * A request the firewall refuses before any handler ({@code ;}, {@code //}, an encoded dot) gets, when JSON is
     * asked, an RFC 9457 problem, or an OAuth 2.0 error under the authorization server's endpoints: not Boot's own
     * JSON, and never the path, a message or an exception. A browser still gets the error page.
     */
    @Test
    void refusedPathWhenJsonAskedThenAProblemOrAnOAuthErrorAndABrowserThePage() {
        for (String path : List.of("/api/v1/me;x=1", "/api//v1/users", "/signin;jsessionid=1", "/%2e/signin")) {
            WebSession.Page page = new WebSession(port).accept("application/json").postRaw(path, Map.of());
            assertThat(page.status()).as(path).isEqualTo(400);
            assertThat(page.header("Content-Type")).as(path).hasValue("application/problem+json");
            assertThat(page.body()).as(path).contains("\"type\":\"https://gatehouse.dev/problems/invalid-request\"",
                    "\"status\":400", "\"detail\":").doesNotContain("timestamp", "\"path\"", "jsessionid", "Exception");
        }
        for (String path : List.of("/oauth2/token;x=1", "//oauth2/token", "/connect/logout;x", "/userinfo;x",
                "/userinfo//")) {
            WebSession.Page page = new WebSession(port).accept("application/json").postRaw(path, Map.of());
            assertThat(page.status()).as(path).isEqualTo(400);
            assertThat(page.header("Content-Type")).as(path).hasValue("application/json");
            assertThat(page.body()).as(path).startsWith("{\"error\":\"invalid_request\"").doesNotContain("timestamp");
        }
        WebSession.Page browser = new WebSession(port).get("/signin;jsessionid=1");
        assertThat(browser.status()).isEqualTo(400);
        assertThat(browser.body()).contains("That request could not be handled").doesNotContain("timestamp");
    }

    /** No page or operation takes a file, so no multipart body is parsed (to Tomcat's temporary files) at all. */
    @Test
    void multipartWhenAnyRequestThenNoResolverParsesIt() {
        assertThat(context.getBeanNamesForType(org.springframework.web.multipart.MultipartResolver.class)).isEmpty();
    }

    @Test
    void generatedPasswordWhenStartedThenNoneMade() {
        assertThat(context.getBeanNamesForType(
                org.springframework.security.core.userdetails.UserDetailsService.class)).isEmpty();
    }
}

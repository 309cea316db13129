package dev.gatehouse.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Grafana dashboard in deploy/grafana is importable (one Prometheus data source input, every panel queries it)
 * and queries only Gatehouse's documented metrics or the JVM's; {@code MetricsFlowOnH2Test} checks each one is in a
 * real scrape.
 */
public class DashboardTest {

    static final Path DASHBOARD = Path.of("deploy/grafana/gatehouse.json");

    /** Metric names look like these prefixes; label names and PromQL functions never do. */
    private static final Pattern METRIC = Pattern.compile(
            "\\b((?:gatehouse|jvm|http|process|hikaricp|tomcat|system|executor|application)_[a-z0-9_]+)");

    /** The metric names the dashboard's queries use. */
    public static Set<String> metricsQueried(String dashboardJson) {
        Set<String> names = new TreeSet<>();
        for (String expr : expressions(JsonMapper.builder().build().readTree(dashboardJson))) {
            Matcher m = METRIC.matcher(expr);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    static List<String> expressions(JsonNode dashboard) {
        List<String> exprs = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                exprs.add(target.get("expr").asString());
            }
        }
        return exprs;
    }

    @Test
    void dashboardWhenImportedThenEveryPanelQueriesTheOnePrometheusInput() throws IOException {
        JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));

        assertThat(dashboard.get("__inputs").get(0).get("name").asString()).isEqualTo("DS_PROMETHEUS");
        assertThat(dashboard.get("uid").asString()).isEqualTo("gatehouse");
        int queried = 0;
        for (JsonNode panel : dashboard.get("panels")) {
            if (panel.get("type").asString().equals("row")) {
                continue;
            }
            assertThat(panel.get("targets").size()).as(panel.get("title").asString()).isPositive();
            assertThat(panel.get("datasource").get("uid").asString()).isEqualTo("${DS_PROMETHEUS}");
            for (JsonNode target : panel.get("targets")) {
                assertThat(target.get("datasource").get("uid").asString()).isEqualTo("${DS_PROMETHEUS}");
            }
            queried++;
        }
        assertThat(queried).isGreaterThanOrEqualTo(10);
    }

    @Test
    void dashboardWhenItQueriesGatehouseMetricsThenEachIsOneTheIssueAsksFor() throws IOException {
        Set<String> gatehouse = new TreeSet<>(metricsQueried(Files.readString(DASHBOARD)));
        gatehouse.removeIf(name -> !name.startsWith("gatehouse_"));

        assertThat(gatehouse).containsExactlyInAnyOrder("gatehouse_signin_total", "gatehouse_code_checks_total",
                "gatehouse_lockouts_total", "gatehouse_outbox_depth", "gatehouse_outbox_oldest_age_seconds",
                "gatehouse_delivery_failures_total", "gatehouse_password_hash_seconds_bucket",
                "gatehouse_password_hash_seconds_sum", "gatehouse_password_hash_seconds_count");
    }

    @Test
    void outboxPanelsWhenEveryNodeReportsTheSharedBacklogThenMaxNotSum() throws IOException {
        // The outbox is one table: summing the nodes' identical figures would multiply the backlog by the node count.
        for (String expr : expressions(JsonMapper.builder().build().readTree(Files.readString(DASHBOARD)))) {
            if (expr.contains("gatehouse_outbox_")) {
                assertThat(expr).as(expr).startsWith("max").doesNotContain("sum");
            }
        }
    }
}

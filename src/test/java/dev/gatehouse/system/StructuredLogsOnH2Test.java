package dev.gatehouse.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestPropertySource;

import dev.gatehouse.testsupport.DevMail;
import dev.gatehouse.testsupport.H2Test;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.testsupport.WebSession;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON logs (logging.structured.format.console=ecs, docs/configuration.md): every log line is one JSON object a log
 * collector can read, and none carries a secret: not the sealing key, not a typed password, not a reset link's token.
 */
@H2Test
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = {
        "logging.structured.format.console=ecs",
        "logging.level.dev.gatehouse=DEBUG",
        "gatehouse.crypto.key-file=",
        "gatehouse.crypto.active-key-id=logs1",
        "gatehouse.crypto.keys.logs1=" + StructuredLogsOnH2Test.KEY})
class StructuredLogsOnH2Test {

    /** A sealing key for this server alone (32 bytes, Base64): it must never reach a log line. */
    static final String KEY = "c3RydWN0dXJlZC1sb2dzLXRlc3Qta2V5LTMyYnl0ZSE=";

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @Test
    void logsWhenJsonFormatOnThenEveryLineIsAnEcsObjectWithoutSecrets(CapturedOutput output) {
        TestUsers.Created ada = new TestUsers(context).create("logs-ada");
        String typedPassword = "typed-but-wrong-" + System.nanoTime();
        WebSession web = new WebSession(port);
        web.get("/signin");
        web.post("/signin", Map.of("email", ada.email(), "password", typedPassword));
        web.get("/signin/forgot");
        web.post("/signin/forgot", Map.of("email", ada.email()));
        String link = new DevMail(context).await(ada.email(), "Reset your").link("/signin/reset/");
        String token = link.substring(link.lastIndexOf('/') + 1);

        List<String> lines = output.getAll().lines().filter(line -> line.startsWith("{")).toList();

        assertThat(lines).as("log lines written as JSON").hasSizeGreaterThan(5);
        JsonMapper json = JsonMapper.builder().build();
        for (String line : lines) {
            JsonNode event = json.readTree(line);
            assertThat(event.has("@timestamp")).as(line).isTrue();
            assertThat(event.has("message")).as(line).isTrue();
            assertThat(event.has("ecs") || event.has("ecs.version")).as("an ECS event: " + line).isTrue();
        }
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("Started StructuredLogsOnH2Test"));
        assertThat(output.getAll()).as("no line in the plain format")
                .doesNotContainPattern("(?m)^\\d{4}-\\d\\d-\\d\\dT\\S+\\s+(INFO|WARN|ERROR|DEBUG) ");
        assertThat(token).hasSizeGreaterThan(20);
        assertThat(output.getAll()).doesNotContain(KEY).doesNotContain(typedPassword).doesNotContain(token);
    }
}

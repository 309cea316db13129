package dev.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.bootstrap.DefaultBootstrapContext;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The operator's command line: which arguments start the server and which run a command, the settings a command
 * puts first, and a real run of {@code reset-two-factor} on a data folder of its own (the reset itself:
 * AccountRulesFlowOnH2Test).
 */
class OperatorCommandsTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private OptionalInt run(String... args) {
        return OperatorCommands.run(args, new PrintStream(out, true), new PrintStream(err, true));
    }

    @Test
    void runWhenTheArgumentsAreSettingsThenTheServerStartsAsUsual() {
        assertThat(run()).isEmpty();
        assertThat(run("--server.address=0.0.0.0", "--server.port=9090")).isEmpty();
        assertThat(out.toString() + err.toString()).isEmpty();
    }

    @Test
    void runWhenAWordIsNoCommandThenRefusedInsteadOfStartingTheServer() {
        assertThat(run("reset-2fa", "ada@example.com")).hasValue(OperatorCommands.USAGE_ERROR);
        assertThat(err.toString()).contains("gatehouse: unknown command reset-2fa (settings are --name=value)",
                "Usage: gatehouse reset-two-factor <email>");
        assertThat(run("--server.port=9090", "reset-two-factor", "ada@example.com"))
                .as("the command comes first").hasValue(OperatorCommands.USAGE_ERROR);
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void resetTwoFactorWhenNotExactlyOneAddressIsGivenThenPrintsHowToUseItAndStartsNothing() {
        assertThat(run("reset-two-factor")).hasValue(OperatorCommands.USAGE_ERROR);
        assertThat(run("reset-two-factor", "--gatehouse.data-dir=/tmp/x")).hasValue(OperatorCommands.USAGE_ERROR);
        assertThat(run("reset-two-factor", "  ")).hasValue(OperatorCommands.USAGE_ERROR);
        assertThat(run("reset-two-factor", "bob@example.com", "nobody@example.com"))
                .as("one user at a time, never the first of a list").hasValue(OperatorCommands.USAGE_ERROR);
        assertThat(err.toString()).contains("Usage: gatehouse reset-two-factor <email>");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void commandSettingsWhenTheServersPortMakesItsLinksThenLinksKeepItAndTheCommandTakesNoPort() {
        StandardEnvironment environment = environment(Map.of("server.port", "9090",
                "gatehouse.base-url", "http://localhost:${server.port}"));

        new OperatorCommands.CommandSettings(true).onApplicationEvent(new ApplicationEnvironmentPreparedEvent(
                new DefaultBootstrapContext(), new SpringApplication(), new String[0], environment));

        assertThat(environment.getProperty("gatehouse.base-url")).as("emails link to the server, not to port 0")
                .isEqualTo("http://localhost:9090");
        assertThat(environment.getProperty("server.port")).isEqualTo("0");
        assertThat(environment.getProperty("management.server.port")).isEqualTo("0");
        assertThat(environment.getProperty("logging.level.root")).isEqualTo("OFF");
    }

    @Test
    void rootCauseWhenADatabaseUrlCarriesAPasswordThenItIsNotPrinted() {
        RuntimeException failed = new RuntimeException("start", new IllegalStateException(
                "Connection to gh:TopSecret123@127.0.0.1:5432 refused\nmore"));
        RuntimeException inParameter = new RuntimeException("jdbc:postgresql://db/gh?user=gh&password=TopSecret123");

        assertThat(OperatorCommands.rootCause(failed)).isEqualTo("Connection to ***@127.0.0.1:5432 refused");
        assertThat(OperatorCommands.rootCause(inParameter)).doesNotContain("TopSecret123").contains("password=***");
    }

    @Test
    void resetTwoFactorWhenRunOnADataFolderWithoutThatUserThenStartsOnNoFixedPortSaysSoAndExitsOne(@TempDir Path data) {
        // The operator's settings come after the address, as for the server; INFO keeps this JVM's logging as it was.
        OptionalInt status = run("reset-two-factor", "nobody@example.com", "--gatehouse.data-dir=" + data,
                "--logging.level.root=INFO");

        assertThat(status).hasValue(OperatorCommands.NO_SUCH_USER);
        assertThat(err.toString()).contains("no user signs in with nobody@example.com in this database")
                .doesNotContain("Exception");
        assertThat(Files.exists(data.resolve("gatehouse.mv.db"))).as("it ran on the folder it was given").isTrue();
    }

    private static StandardEnvironment environment(Map<String, Object> settings) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("given", settings));
        return environment;
    }
}

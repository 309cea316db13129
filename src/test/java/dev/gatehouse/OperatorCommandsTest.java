package dev.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's command line: which arguments start the server and which run a command, and a real run of
 * {@code reset-two-factor} on a data folder of its own (the reset itself: AccountRulesFlowOnH2Test).
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
        assertThat(run("--server.address=0.0.0.0")).isEmpty();
        assertThat(run("reset-2fa", "ada@example.com")).as("only the exact command's name").isEmpty();
        assertThat(out.toString() + err.toString()).isEmpty();
    }

    @Test
    void resetTwoFactorWhenNoAddressIsGivenThenPrintsHowToUseItAndStartsNothing() {
        assertThat(run("reset-two-factor")).hasValue(2);
        assertThat(run("reset-two-factor", "--gatehouse.data-dir=/tmp/x")).hasValue(2);
        assertThat(err.toString()).contains("Usage: gatehouse reset-two-factor <email>");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void resetTwoFactorWhenRunOnADataFolderWithoutThatUserThenStartsOnNoFixedPortSaysSoAndExitsOne(@TempDir Path data) {
        // The operator's settings come after the address, as for the server; INFO keeps this JVM's logging as it was.
        OptionalInt status = run("reset-two-factor", "nobody@example.com", "--gatehouse.data-dir=" + data,
                "--logging.level.root=INFO");

        assertThat(status).hasValue(1);
        assertThat(err.toString()).contains("no user signs in with nobody@example.com; nothing was changed")
                .doesNotContain("Exception");
        assertThat(Files.exists(data.resolve("gatehouse.mv.db"))).as("it ran on the folder it was given").isTrue();
    }
}

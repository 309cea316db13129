package dev.gatehouse.system;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;

import dev.gatehouse.GatehouseApplication;

/**
 * The start-up checks still stop the start when an operator switches on {@code spring.main.lazy-initialization}: with
 * it, Spring creates only the beans something asks for, and nothing asks for these checks (docs/benchmarks.md,
 * "Start-up: lazy initialization and Spring AOT (stop 26)"). Without a web server: the checks run while the beans are
 * made, before any port would open.
 */
class LazyStartChecksTest {

    @TempDir
    Path data;

    @Test
    void lazyStartWhenProdProfileWithTrialDefaultsThenRefused() {
        String key = Base64.getEncoder().encodeToString(new byte[32]);

        assertThatThrownBy(() -> start("prod", "--spring.datasource.url=jdbc:h2:file:" + data + "/gatehouse",
                "--spring.datasource.username=sa", "--gatehouse.crypto.active-key-id=k1",
                "--gatehouse.crypto.keys.k1=" + key))
                .hasStackTraceContaining("Gatehouse will not start in the prod profile")
                .hasStackTraceContaining("gatehouse.mail.gateway must be smtp");
    }

    @Test
    void lazyStartWhenTheKeyFileIsMissingThenRefused() {
        assertThatThrownBy(() -> start("dev", "--gatehouse.crypto.key-file=" + data.resolve("no-such-keys.properties"),
                "--gatehouse.crypto.generate-key-file=false"))
                .hasStackTraceContaining("cannot read gatehouse.crypto.key-file");
    }

    private void start(String profile, String... settings) {
        List<String> args = new ArrayList<>(List.of("--spring.main.lazy-initialization=true",
                "--spring.main.web-application-type=none", "--gatehouse.data-dir=" + data,
                "--logging.level.root=ERROR"));
        args.addAll(List.of(settings));
        new SpringApplicationBuilder(GatehouseApplication.class).profiles(profile).run(args.toArray(String[]::new))
                .close();
    }
}

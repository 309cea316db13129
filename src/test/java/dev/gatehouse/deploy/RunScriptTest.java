package dev.gatehouse.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./gatehouse} start script's decisions, run on a copy of it in a folder of its own with stand-ins for the
 * JVMs and for the Maven wrapper (shell scripts that answer {@code -XshowSettings} with their version and log how
 * they were called): which Java it picks, when it builds, extracts and trains, and the command it starts.
 */
class RunScriptTest {

    private static final String FLAGS = "-Xms8m -Xmx99m -XX:+UseSerialGC";

    @TempDir
    Path project;
    Path jvms;
    Path calls;

    @BeforeEach
    void project() throws IOException {
        Files.copy(Path.of("gatehouse"), project.resolve("gatehouse"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.writeString(project.resolve("pom.xml"),
                "<project><properties>\n    <gatehouse.jvm.flags>" + FLAGS + "</gatehouse.jvm.flags>\n</properties></project>\n");
        Files.createDirectories(project.resolve("src/main/java"));
        Files.writeString(project.resolve("src/main/java/App.java"), "class App {}\n");
        calls = project.resolve("calls.log");
        executable(project.resolve("mvnw"), """
                #!/usr/bin/env bash
                echo "mvnw $JAVA_HOME $*" >> calls.log
                mkdir -p target && echo built > target/gatehouse-1.0.jar
                """);
        jvms = project.resolve("jvms");
        for (int version : List.of(17, 25, 26)) {
            fakeJava(jvms.resolve("jdk-" + version), version);
        }
    }

    @Test
    void withoutJavaHomeItPicksTheNewestJava25OrLaterAndItsAotCache() throws Exception {
        String command = run(Map.of());

        Path java = jvms.resolve("jdk-26/bin/java");
        assertThat(command).isEqualTo("env MALLOC_ARENA_MAX=2 " + java + " " + FLAGS
                + " -XX:AOTCache=target/run/gatehouse-java26.aot -jar target/run/gatehouse-1.0.jar --server.port=18999");
        assertThat(Files.readAllLines(calls)).containsExactly(
                "mvnw " + jvms.resolve("jdk-26") + " -B -q package -DskipTests",
                java + " -Djarmode=tools -jar target/gatehouse-1.0.jar extract --destination target/run",
                java + " " + FLAGS + " -XX:AOTCacheOutput=target/run/gatehouse-java26.aot -Dspring.context.exit=onRefresh"
                        + " -jar target/run/gatehouse-1.0.jar --gatehouse.data-dir=" + trainingDataDir()
                        + " --server.port=0 --management.server.port=0 --logging.level.root=ERROR");
    }

    @Test
    void javaHomeIsUsedWhenSetAndJava17GetsACdsArchive() throws Exception {
        String command = run(Map.of("JAVA_HOME", jvms.resolve("jdk-17").toString()));

        assertThat(command).isEqualTo("env MALLOC_ARENA_MAX=2 " + jvms.resolve("jdk-17/bin/java") + " " + FLAGS
                + " -XX:SharedArchiveFile=target/run/gatehouse-java17.jsa -jar target/run/gatehouse-1.0.jar"
                + " --server.port=18999");
        assertThat(Files.readString(calls)).contains("-XX:ArchiveClassesAtExit=target/run/gatehouse-java17.jsa");
    }

    @Test
    void aSecondStartNeitherBuildsNorExtractsNorTrainsAgain() throws Exception {
        run(Map.of());
        Files.delete(calls);

        String command = run(Map.of());

        assertThat(command).contains("-XX:AOTCache=target/run/gatehouse-java26.aot");
        assertThat(calls).doesNotExist();
    }

    @Test
    void changedSourcesAreBuiltAndExtractedAgainAndTrainedAnew() throws Exception {
        run(Map.of());
        Files.delete(calls);
        Files.setLastModifiedTime(project.resolve("src/main/java/App.java"),
                FileTime.from(Instant.now().plusSeconds(60)));

        run(Map.of());

        assertThat(Files.readAllLines(calls)).hasSize(3)
                .anySatisfy(line -> assertThat(line).startsWith("mvnw "))
                .anySatisfy(line -> assertThat(line).contains(" extract --destination target/run"))
                .anySatisfy(line -> assertThat(line).contains("-XX:AOTCacheOutput="));
    }

    @Test
    void aTrainingThatMakesNoCacheStartsWithoutOne() throws Exception {
        fakeJava(jvms.resolve("jdk-27"), 27, "exit 1");

        String command = run(Map.of());

        assertThat(command).doesNotContain("AOTCache").contains(jvms.resolve("jdk-27/bin/java") + " " + FLAGS + " -jar");
    }

    private String run(Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("./gatehouse", "--server.port=18999").directory(project.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().remove("JAVA_HOME");
        builder.environment().putAll(environment);
        builder.environment().put("GATEHOUSE_JVM_DIR", jvms.toString());
        builder.environment().put("GATEHOUSE_PRINT_COMMAND", "1");
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(process.getInputStream().readAllBytes()).strip();
        assertThat(process.exitValue()).as(out).isZero();
        return out;
    }

    /** The training's data folder: a temporary one of its own, gone once the cache is made. */
    private String trainingDataDir() throws IOException {
        String dir = Files.readAllLines(calls).stream().filter(line -> line.contains("--gatehouse.data-dir="))
                .map(line -> line.replaceAll(".*--gatehouse.data-dir=(\\S+).*", "$1")).findFirst().orElseThrow();
        assertThat(Path.of(dir)).doesNotExist().isAbsolute();
        return dir;
    }

    private static void fakeJava(Path home, int version) throws IOException {
        fakeJava(home, version, "");
    }

    /** A JVM stand-in: its version, the jar tool's extract, and a cache file for a training start (unless failing). */
    private static void fakeJava(Path home, int version, String training) throws IOException {
        executable(home.resolve("bin/java"), """
                #!/usr/bin/env bash
                if [ "$1" = -XshowSettings:properties ]; then echo "    java.specification.version = %d" >&2; exit 0; fi
                echo "$0 $*" >> calls.log
                for arg in "$@"; do
                    case "$arg" in
                        extract) mkdir -p target/run && cp target/gatehouse-1.0.jar target/run/ ;;
                        -XX:AOTCacheOutput=*|-XX:ArchiveClassesAtExit=*) %s; touch "${arg#*=}" ;;
                    esac
                done
                """.formatted(version, training.isEmpty() ? ":" : training));
    }

    private static void executable(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}

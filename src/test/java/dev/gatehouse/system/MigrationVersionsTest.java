package dev.gatehouse.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * Every released database must upgrade. Stop 21 shipped V1-V16 and V21; stop 22 added V17-V20, written on branches
 * before V21 landed, so a stop-21 database takes them out of order ({@code spring.flyway.out-of-order}). This test
 * holds what each release shipped: a released migration is never renamed or removed, a new one is numbered above the
 * highest released version, and an upgrade from each released state to today's runs. Add a line to {@link #RELEASES}
 * at each release.
 */
class MigrationVersionsTest {

    /** The migration versions each release shipped, by stop. */
    private static final Map<Integer, Set<Integer>> RELEASES = Map.ofEntries(
            Map.entry(21, versions(IntStream.concat(IntStream.rangeClosed(1, 16), IntStream.of(21)))),
            Map.entry(22, versions(IntStream.rangeClosed(1, 21))),
            Map.entry(23, versions(IntStream.concat(IntStream.rangeClosed(1, 22), IntStream.of(25, 26)))),
            Map.entry(24, versions(IntStream.concat(IntStream.rangeClosed(1, 22), IntStream.of(25, 26, 27)))),
            Map.entry(25, versions(IntStream.concat(IntStream.rangeClosed(1, 22), IntStream.of(25, 26, 27)))),
            Map.entry(26, versions(IntStream.concat(IntStream.rangeClosed(1, 22), IntStream.of(25, 26, 27)))),
            Map.entry(27, versions(IntStream.concat(IntStream.rangeClosed(1, 22), IntStream.of(25, 26, 27)))),
            Map.entry(28, versions(IntStream.concat(IntStream.rangeClosed(1, 22), IntStream.of(25, 26, 27)))),
            Map.entry(29, versions(IntStream.concat(IntStream.rangeClosed(1, 22), IntStream.of(25, 26, 27)))),
            Map.entry(30, versions(IntStream.concat(IntStream.rangeClosed(1, 22), IntStream.rangeClosed(25, 29)))),
            Map.entry(31, versions(IntStream.concat(IntStream.rangeClosed(1, 22), IntStream.rangeClosed(25, 31)))),
            Map.entry(32, versions(IntStream.concat(IntStream.rangeClosed(1, 22), IntStream.rangeClosed(25, 31)))),
            Map.entry(33, versions(IntStream.concat(IntStream.rangeClosed(1, 22), IntStream.rangeClosed(25, 32)))),
            Map.entry(34, versions(IntStream.concat(IntStream.rangeClosed(1, 22), IntStream.rangeClosed(25, 33)))),
            Map.entry(35, versions(IntStream.concat(IntStream.rangeClosed(1, 22), IntStream.rangeClosed(25, 34)))));

    private static final Pattern VERSION = Pattern.compile("V(\\d+)__.+\\.sql");

    @Test
    void releasedMigrationsStayAndNewOnesAreNumberedAboveThem() throws IOException {
        List<Integer> versions = onDisk().stream().map(Migration::version).toList();
        assertThat(versions).as("each version once").doesNotHaveDuplicates();
        int highestReleased = RELEASES.values().stream().flatMap(Set::stream).max(Integer::compare).orElseThrow();
        Set<Integer> released = RELEASES.values().stream().flatMap(Set::stream)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<Integer> atOrBelow = versions.stream().filter(v -> v <= highestReleased)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(atOrBelow).as("released migrations stay, and nothing new is numbered at or below V%d",
                highestReleased).isEqualTo(released);
    }

    @ParameterizedTest(name = "from stop {0}")
    @ValueSource(ints = {21, 22, 23, 24, 25, 26, 30, 31, 33, 34, 35})
    void upgradeFromAReleaseRunsEveryMigrationItLacks(int stop, @TempDir Path released) throws IOException {
        Set<Integer> shipped = RELEASES.get(stop);
        for (Migration m : onDisk()) {
            if (shipped.contains(m.version())) {
                try (InputStream in = m.file().getInputStream()) {
                    Files.copy(in, released.resolve(m.file().getFilename()));
                }
            }
        }
        SimpleDriverDataSource db = new SimpleDriverDataSource(new org.h2.Driver(), "jdbc:h2:mem:upgrade-from-" + stop
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1", "sa", "");
        assertThat(Flyway.configure().dataSource(db).locations("filesystem:" + released).load().migrate().migrations)
                .hasSize(shipped.size());

        MigrateResult upgrade = Flyway.configure().dataSource(db).outOfOrder(outOfOrderAsConfigured()).load()
                .migrate();

        assertThat(upgrade.success).isTrue();
        assertThat(upgrade.migrations.stream().map(m -> Integer.parseInt(m.version)))
                .containsExactlyInAnyOrderElementsOf(onDisk().stream().map(Migration::version)
                        .filter(v -> !shipped.contains(v)).toList());
    }

    private static boolean outOfOrderAsConfigured() {
        YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
        yaml.setResources(new ClassPathResource("application.yml"));
        Properties app = yaml.getObject();
        return Boolean.parseBoolean(app.getProperty("spring.flyway.out-of-order", "false"));
    }

    private record Migration(int version, Resource file) {
    }

    private static List<Migration> onDisk() throws IOException {
        Resource[] files = new PathMatchingResourcePatternResolver().getResources("classpath:db/migration/*.sql");
        return Arrays.stream(files).map(f -> {
            Matcher m = VERSION.matcher(f.getFilename());
            assertThat(m.matches()).as(f.getFilename()).isTrue();
            return new Migration(Integer.parseInt(m.group(1)), f);
        }).toList();
    }

    private static Set<Integer> versions(IntStream range) {
        return range.boxed().collect(Collectors.toCollection(TreeSet::new));
    }
}

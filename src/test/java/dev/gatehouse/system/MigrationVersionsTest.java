package dev.gatehouse.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * A released database must upgrade. Flyway refuses a new migration numbered below one already applied (we do not turn
 * on {@code outOfOrder}), so a migration written on a branch while another branch released a higher number has to be
 * renumbered above it before it lands. This test holds the list of what the last release shipped: nothing may be
 * added at or below it, and an upgrade from exactly that state to today's must run. Update both constants at each
 * release.
 */
class MigrationVersionsTest {

    /** The highest migration version of the last release (stop 21). */
    private static final int LAST_RELEASED = 21;

    /** The versions that release shipped: every database in the field has exactly these. */
    private static final Set<Integer> RELEASED = IntStream.concat(IntStream.rangeClosed(1, 16), IntStream.of(21))
            .boxed().collect(Collectors.toCollection(TreeSet::new));

    private static final Pattern VERSION = Pattern.compile("V(\\d+)__.+\\.sql");

    @Test
    void migrationsAtOrBelowTheLastReleaseAreExactlyTheReleasedOnes() throws IOException {
        List<Integer> versions = versions();
        assertThat(versions).as("each version once").doesNotHaveDuplicates();
        Set<Integer> atOrBelow = versions.stream().filter(v -> v <= LAST_RELEASED)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(atOrBelow).as("a migration numbered at or below %d never runs on a released database: renumber it above",
                        LAST_RELEASED)
                .isEqualTo(RELEASED);
    }

    @Test
    void upgradeFromTheLastReleaseRunsEveryNewerMigration() throws IOException {
        SimpleDriverDataSource db = new SimpleDriverDataSource(new org.h2.Driver(),
                "jdbc:h2:mem:migration-upgrade;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;"
                        + "DB_CLOSE_DELAY=-1", "sa", "");
        MigrateResult released = Flyway.configure().dataSource(db).target(String.valueOf(LAST_RELEASED)).load()
                .migrate();
        assertThat(released.migrations).hasSize(RELEASED.size());

        MigrateResult upgrade = Flyway.configure().dataSource(db).load().migrate();

        assertThat(upgrade.success).isTrue();
        assertThat(upgrade.migrations.stream().map(m -> Integer.parseInt(m.version)))
                .containsExactlyElementsOf(versions().stream().filter(v -> v > LAST_RELEASED).sorted().toList());
    }

    private static List<Integer> versions() throws IOException {
        Resource[] files = new PathMatchingResourcePatternResolver().getResources("classpath:db/migration/*.sql");
        return Arrays.stream(files).map(f -> {
            Matcher m = VERSION.matcher(f.getFilename());
            assertThat(m.matches()).as(f.getFilename()).isTrue();
            return Integer.parseInt(m.group(1));
        }).toList();
    }
}

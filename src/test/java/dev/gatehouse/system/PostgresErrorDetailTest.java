package dev.gatehouse.system;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariDataSource;

class PostgresErrorDetailTest {

    private static HikariDataSource pool(String url) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(url);
        return pool;
    }

    @Test
    void postgresPoolWhenNothingSaidThenTheDriverKeepsValuesOutOfItsMessages() {
        HikariDataSource pool = pool("jdbc:postgresql://db:5432/gatehouse");
        new PostgresErrorDetail().postProcessBeforeInitialization(pool, "dataSource");
        assertThat(pool.getDataSourceProperties()).containsEntry("logServerErrorDetail", "false");
    }

    @Test
    void otherDatabasesAndAnExplicitChoiceWhenPostProcessedThenLeftAsTheyAre() {
        HikariDataSource h2 = pool("jdbc:h2:mem:x");
        new PostgresErrorDetail().postProcessBeforeInitialization(h2, "dataSource");
        assertThat(h2.getDataSourceProperties()).doesNotContainKey("logServerErrorDetail");

        HikariDataSource inUrl = pool("jdbc:postgresql://db/gatehouse?logServerErrorDetail=true");
        new PostgresErrorDetail().postProcessBeforeInitialization(inUrl, "dataSource");
        assertThat(inUrl.getDataSourceProperties()).doesNotContainKey("logServerErrorDetail");

        HikariDataSource inProperties = pool("jdbc:postgresql://db/gatehouse");
        inProperties.addDataSourceProperty("logServerErrorDetail", "true");
        new PostgresErrorDetail().postProcessBeforeInitialization(inProperties, "dataSource");
        assertThat(inProperties.getDataSourceProperties()).containsEntry("logServerErrorDetail", "true");
    }
}

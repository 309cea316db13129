package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.gatehouse.testsupport.PostgresTest;

@PostgresTest
class ConnectionRetirementOnPostgresTest extends ConnectionRetirementTests {

    /**
     * Invariant 12 (no SQL value in a log): a failed statement's exception, which a library may log, carries neither
     * the server's DETAIL line with the key's value nor a failed batch's parameters (system.PostgresErrorDetail).
     */
    @Test
    void failedStatementWhenItsValuesAreSecretThenNoExceptionMessageCarriesThem() {
        JdbcTemplate jdbc = ctx.getBean(JdbcTemplate.class);
        String secret = "secret-" + UUID.randomUUID();
        jdbc.execute("create temporary table log_safety (v varchar(80) primary key)");
        jdbc.update("insert into log_safety (v) values (?)", secret);

        Throwable single = catchThrowable(() -> jdbc.update("insert into log_safety (v) values (?)", secret));
        Throwable batch = catchThrowable(() -> jdbc.batchUpdate("insert into log_safety (v) values (?)",
                java.util.List.<Object[]>of(new Object[] {secret})));

        for (Throwable failed : new Throwable[] {single, batch}) {
            assertThat(failed).isNotNull();
            for (Throwable t = failed; t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage())).as(t.getClass().getName()).doesNotContain(secret);
                if (t instanceof java.sql.SQLException sql && sql.getNextException() != null) {
                    assertThat(String.valueOf(sql.getNextException().getMessage())).doesNotContain(secret);
                }
            }
        }
    }
}

package dev.gatehouse.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLTransientConnectionException;

import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

class ApiAdviceTest {

    @Test
    void unexpectedWhenTheDatabaseCannotBeReachedThen503ProblemWithRetryAfterAndNoMessageOfTheException() {
        ResponseEntity<ProblemDetail> answer = new ApiAdvice().unexpected(new CannotGetJdbcConnectionException(
                "Failed to obtain JDBC Connection", new SQLTransientConnectionException("select secret from x")));
        assertThat(answer.getStatusCode().value()).isEqualTo(503);
        assertThat(answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("5");
        assertThat(answer.getBody().getType().toString()).endsWith("/service-unavailable");
        assertThat(answer.getBody().getDetail()).doesNotContain("select", "JDBC");
    }

    @Test
    void unexpectedWhenABugThen500WithoutRetryAfter() {
        ResponseEntity<ProblemDetail> answer = new ApiAdvice().unexpected(
                new DataIntegrityViolationException("insert into users values ('ada@example.com')"));
        assertThat(answer.getStatusCode().value()).isEqualTo(500);
        assertThat(answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isNull();
        assertThat(answer.getBody().getDetail()).doesNotContain("insert", "ada@example.com");
    }
}

package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggerConfiguration;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.ModelAndView;

/** Invariants 6 and 12 for the last-resort error handler: the log line holds no token, SQL or message. */
@ExtendWith(OutputCaptureExtension.class)
class UnexpectedErrorResolverTest {

    private static final String TOKEN = "Zq4Ls0Ve7kP2xT9mWn3bYc8dHf1gJr6a";
    private static final String LOGGER = UnexpectedErrorResolver.class.getName();

    private final LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
    private LogLevel levelBefore;

    /** The log as the shipped configuration writes it (INFO): another test's context may have left DEBUG on. */
    @BeforeEach
    void atTheShippedLevel() {
        LoggerConfiguration configured = logging.getLoggerConfiguration(LOGGER);
        levelBefore = configured == null ? null : configured.getConfiguredLevel();
        logging.setLogLevel(LOGGER, LogLevel.INFO);
    }

    @AfterEach
    void levelAsBefore() {
        logging.setLogLevel(LOGGER, levelBefore);
    }

    @Test
    void invariant6_tokensInTheLinkPathNeverReachTheLog(CapturedOutput output) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/invite/" + TOKEN + "/join");
        request.setAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE, "/invite/{token}/join");

        ModelAndView page = new UnexpectedErrorResolver().resolveException(request, new MockHttpServletResponse(),
                null, new IllegalStateException("SQL [select * from invitations where token = '" + TOKEN + "']"));

        assertThat(page.getViewName()).isEqualTo("error");
        assertThat(output).contains("Unexpected error", "POST /invite/{token}/join: IllegalStateException")
                .doesNotContain(TOKEN).doesNotContain("select");
    }

    @Test
    void routeWhenNoPatternMatchedThenOnlyAShortPlainPath() {
        MockHttpServletRequest plain = new MockHttpServletRequest("GET", "/settings/security");
        MockHttpServletRequest tokenLike = new MockHttpServletRequest("GET", "/signup/confirm/" + TOKEN);
        assertThat(UnexpectedErrorResolver.route(plain)).isEqualTo("/settings/security");
        assertThat(UnexpectedErrorResolver.route(tokenLike)).isEqualTo("(unmatched path)");
    }

    @Test
    void handlerFailsWhenTheDatabaseCannotBeReachedThen503WithRetryAfter() {
        MockHttpServletResponse response = new MockHttpServletResponse();
        ModelAndView page = new UnexpectedErrorResolver().resolveException(new MockHttpServletRequest("POST", "/signin"), response, null,
                new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection",
                        new SQLTransientConnectionException("request timed out")));
        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getHeader("Retry-After")).isEqualTo("5");
        assertThat(page.getModel()).containsEntry("status", 503);
    }

    /** Found by an outside attack in stop 31: H2's lock timeout under twenty changes at once answered 500. */
    @Test
    void handlerFailsWhenALockWaitRanOutThen503WithRetryAfter() {
        MockHttpServletResponse response = new MockHttpServletResponse();
        ModelAndView page = new UnexpectedErrorResolver().resolveException(
                new MockHttpServletRequest("POST", "/accounts/x/members/y/role"), response, null,
                new org.springframework.dao.QueryTimeoutException("Timeout trying to lock table",
                        new java.sql.SQLTimeoutException("lock timeout")));
        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getHeader("Retry-After")).isEqualTo("5");
        assertThat(page.getModel()).containsEntry("status", 503);
    }

    @Test
    void handlerFailsOnAWorkingDatabaseThen500AndNoRetryAfter() {
        MockHttpServletResponse response = new MockHttpServletResponse();
        ModelAndView page = new UnexpectedErrorResolver().resolveException(new MockHttpServletRequest("POST", "/signin"), response, null,
                new DataIntegrityViolationException("duplicate key"));
        assertThat(response.getStatus()).isEqualTo(500);
        assertThat(response.getHeader("Retry-After")).isNull();
        assertThat(page.getModel()).containsEntry("status", 500);
    }

    @Test
    void rollbackFailsAfterTheConnectionWasCutThen503AsForTheCutItself() {
        // PostgreSQL restarting: the statement fails on the cut connection, then its rollback fails on the same one.
        TransactionSystemException rollbackFailed = new TransactionSystemException("JDBC rollback failed",
                new SQLException("Connection is closed"));
        rollbackFailed.initApplicationException(new DataAccessResourceFailureException(
                "I/O error", new SQLNonTransientConnectionException("I/O error", "08006")));
        MockHttpServletResponse response = new MockHttpServletResponse();
        new UnexpectedErrorResolver().resolveException(new MockHttpServletRequest("POST", "/signin"), response, null,
                rollbackFailed);
        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getHeader("Retry-After")).isEqualTo("5");
    }

    @Test
    void rollbackFailsAfterAStatementFailedOnAWorkingDatabaseThen500() {
        TransactionSystemException rollbackFailed = new TransactionSystemException("JDBC rollback failed",
                new SQLException("rollback failed"));
        rollbackFailed.initApplicationException(new DataIntegrityViolationException("duplicate key"));
        MockHttpServletResponse response = new MockHttpServletResponse();
        new UnexpectedErrorResolver().resolveException(new MockHttpServletRequest("POST", "/signin"), response, null,
                rollbackFailed);
        assertThat(response.getStatus()).isEqualTo(500);
    }
}

package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLTransientConnectionException;

import jakarta.servlet.ServletException;

import org.junit.jupiter.api.Test;
import org.springframework.context.support.ResourceBundleMessageSource;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** What the browser gets when an exception escapes everything (a page failing while it renders, the session save). */
class LastResortErrorFilterTest {

    private static final String SQL = "insert into users (email) values ('ada@example.com')";

    private final LastResortErrorFilter filter = new LastResortErrorFilter(messages());

    private static ResourceBundleMessageSource messages() {
        ResourceBundleMessageSource source = new ResourceBundleMessageSource();
        source.setBasename("messages");
        source.setDefaultEncoding("UTF-8");
        return source;
    }

    private MockHttpServletResponse run(RuntimeException thrown) throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(new MockHttpServletRequest("GET", "/signin/verify"), response, (req, res) -> {
            throw new ServletException("Request processing failed: " + thrown.getMessage(), thrown);
        });
        return response;
    }

    @Test
    void renderingFailsWhenTheDatabaseIsDownThen503WithRetryAfterAndAPlainPageWithoutTheException() throws Exception {
        MockHttpServletResponse response = run(new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection",
                new SQLTransientConnectionException("HikariPool-1 - Connection is not available " + SQL)));

        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getHeader("Retry-After")).isEqualTo("5");
        assertThat(response.getContentType()).startsWith("text/html");
        assertThat(response.getContentAsString()).contains("Gatehouse is not available for a moment",
                "Please try again in a few seconds", "tell your administrator this reference")
                .doesNotContain("Exception", "Hikari", "insert into", "ada@example.com", " at ");
    }

    @Test
    void errorPageFailsWhenTheDatabaseIsDownThen503AndThePlainPageNotTheContainersOwn() throws Exception {
        // The container's dispatch to /error after a sendError(404): the error page reads the session, which fails.
        MockHttpServletRequest errorDispatch = new MockHttpServletRequest("GET", "/error");
        errorDispatch.setDispatcherType(jakarta.servlet.DispatcherType.ERROR);
        errorDispatch.setAttribute(org.springframework.web.util.WebUtils.ERROR_REQUEST_URI_ATTRIBUTE, "/settings/devices");
        errorDispatch.setAttribute(org.springframework.web.util.WebUtils.ERROR_STATUS_CODE_ATTRIBUTE, 404);
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(errorDispatch, response, (req, res) -> {
            throw new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection",
                    new SQLTransientConnectionException("HikariPool-1 - Connection is not available " + SQL));
        });

        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getHeader("Retry-After")).isEqualTo("5");
        assertThat(response.getContentAsString()).contains("Gatehouse is not available for a moment")
                .doesNotContain("Exception", "Hikari", "insert into", "HTTP Status");
        assertThat(UnexpectedErrorResolver.route(errorDispatch)).as("the log names the path that failed")
                .isEqualTo("/settings/devices");
    }

    @Test
    void renderingFailsOnABugThen500AndThePlainPage() throws Exception {
        MockHttpServletResponse response = run(new DataIntegrityViolationException(SQL));

        assertThat(response.getStatus()).isEqualTo(500);
        assertThat(response.getHeader("Retry-After")).isNull();
        assertThat(response.getContentAsString()).contains("Something went wrong")
                .doesNotContain("Exception", "insert into", "ada@example.com");
    }

    @Test
    void partOfThePageAlreadySentWhenItFailsThenNothingIsAddedAndNothingEscapes() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(new MockHttpServletRequest("GET", "/settings/security"), response, (req, res) -> {
            res.getWriter().write("<html><body>half a page");
            res.flushBuffer();
            throw new DataIntegrityViolationException(SQL);
        });
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentAsString()).isEqualTo("<html><body>half a page");
    }

    @Test
    void somethingElseEscapesWhenItIsNotTheDatabaseThenTheContainerAnswersAsItWould() {
        IllegalStateException unreadableBody = new IllegalStateException("parameters could not be parsed");
        Throwable escaped = org.assertj.core.api.Assertions.catchThrowable(() -> filter.doFilter(
                new MockHttpServletRequest("POST", "/signup"), new MockHttpServletResponse(), (req, res) -> {
                    throw unreadableBody;
                }));
        assertThat(escaped).isSameAs(unreadableBody);
    }

    @Test
    void errorViewFailsAsItRendersThenItsErrorMarkIsClearedSoTomcatKeepsThisPage() throws Exception {
        // DispatcherServlet marks the request with the exception its error view shows and clears the mark only after
        // that view rendered; Tomcat's error valve answers its bare 500 over any page of a request still marked.
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/signin/verify");
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, (req, res) -> {
            org.springframework.web.util.WebUtils.exposeErrorRequestAttributes((MockHttpServletRequest) req,
                    new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection"), "dispatcherServlet");
            throw new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection",
                    new SQLTransientConnectionException("HikariPool-1 - Connection is not available"));
        });

        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(request.getAttribute(jakarta.servlet.RequestDispatcher.ERROR_EXCEPTION)).isNull();
        assertThat(request.getAttribute(jakarta.servlet.RequestDispatcher.ERROR_STATUS_CODE)).isNull();
    }
}

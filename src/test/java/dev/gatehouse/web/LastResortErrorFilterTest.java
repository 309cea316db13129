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

    private final LastResortErrorFilter filter = new LastResortErrorFilter(messages(),
            new org.springframework.beans.factory.support.DefaultListableBeanFactory()
                    .getBeanProvider(org.springframework.security.oauth2.server.authorization.settings
                            .AuthorizationServerSettings.class));

    private static ResourceBundleMessageSource messages() {
        ResourceBundleMessageSource source = new ResourceBundleMessageSource();
        source.setBasename("messages");
        source.setDefaultEncoding("UTF-8");
        return source;
    }

    private MockHttpServletResponse run(RuntimeException thrown) throws Exception {
        return run(new MockHttpServletRequest("GET", "/signin/verify"), thrown);
    }

    private MockHttpServletResponse run(MockHttpServletRequest request, RuntimeException thrown) throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, (req, res) -> {
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

    private static CannotGetJdbcConnectionException databaseDown() {
        return new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection",
                new SQLTransientConnectionException("HikariPool-1 - Connection is not available " + SQL));
    }

    /**
     * An application at the token endpoint (and the provider's other endpoints it calls) reads an OAuth error, not a
     * page: the endpoint's filters let a database failure through to here (noticed in stop 32: the token endpoint's
     * 503 was this HTML page, which a client library reports as an unreadable answer).
     */
    @Test
    void tokenEndpointFailsWhenTheDatabaseIsDownThen503WithAnOAuthErrorNotAPage() throws Exception {
        for (String endpoint : java.util.List.of("/oauth2/token", "/oauth2/introspect", "/oauth2/revoke", "/userinfo",
                "/oauth2/jwks")) {
            MockHttpServletResponse response = run(new MockHttpServletRequest("POST", endpoint), databaseDown());

            assertThat(response.getStatus()).as(endpoint).isEqualTo(503);
            assertThat(response.getHeader("Retry-After")).isEqualTo("5");
            assertThat(response.getContentType()).as(endpoint).startsWith("application/json");
            assertThat(response.getContentAsString()).as(endpoint)
                    .startsWith("{\"error\":\"temporarily_unavailable\",\"error_description\":\"The database could not")
                    .doesNotContain("Exception", "Hikari", "insert into", "<");
        }
        MockHttpServletResponse bug = run(new MockHttpServletRequest("POST", "/oauth2/token"),
                new DataIntegrityViolationException(SQL));
        assertThat(bug.getStatus()).isEqualTo(500);
        assertThat(bug.getContentAsString()).startsWith("{\"error\":\"server_error\"").doesNotContain("insert into");
        // The browser's endpoints of the provider keep the page.
        assertThat(run(new MockHttpServletRequest("GET", "/oauth2/authorize"), databaseDown()).getContentType())
                .startsWith("text/html");
    }

    /** The REST API answers its RFC 9457 problem (docs/api.md), from a filter's failure as from a handler's. */
    @Test
    void apiFailsInAFilterWhenTheDatabaseIsDownThen503WithTheApisProblem() throws Exception {
        MockHttpServletResponse response = run(new MockHttpServletRequest("POST", "/api/v1/users"), databaseDown());

        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getHeader("Retry-After")).isEqualTo("5");
        assertThat(response.getContentType()).isEqualTo("application/problem+json");
        String body = response.getContentAsString();
        assertThat(tools.jackson.databind.json.JsonMapper.builder().build().readTree(body).path("type").asText())
                .isEqualTo("https://gatehouse.dev/problems/service-unavailable");
        assertThat(body).contains("\"status\":503", "Retry in a few seconds").doesNotContain("Hikari", "insert into");
        assertThat(run(new MockHttpServletRequest("GET", "/api/docs"), databaseDown()).getContentType())
                .as("the API's documentation page is a page").startsWith("text/html");
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

package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

import dev.gatehouse.testsupport.Databases;
import dev.gatehouse.testsupport.TestClockConfiguration;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.testsupport.WebSession;
import dev.gatehouse.testsupport.WebSession.Page;

/**
 * The database goes down while a request is answered, and Spring Session saves the session when the page commits
 * (the flush at the end of the template, a redirect), which fails too. The person must get the plain outage page
 * (503, {@code Retry-After}) and never Tomcat's bare 500, which the reliability suite saw about twice in a thousand
 * sign-ins interrupted by a PostgreSQL restart. A server of its own (the outage is switched on in its database), on
 * a fixed port of this suite's range.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT,
        properties = {"server.port=18701", "management.server.port=18702"})
@ContextConfiguration(initializers = Databases.H2.class)
@Import(TestClockConfiguration.class)
@ActiveProfiles("dev")
@ExtendWith(OutputCaptureExtension.class)
class SessionSaveFailsAsThePageCommitsOnH2Test extends TwoFactorFlowSupport {

    @AfterEach
    void databaseBack() {
        DatabaseGoesDown.down = false;
    }

    private void guard(String... tables) {
        for (String table : tables) {
            jdbc().sql(DatabaseGoesDown.guardSql(table)).update();
        }
    }

    private static void assertPlainOutagePage(Page page) {
        assertThat(page.status()).as(page.body()).isEqualTo(503);
        assertThat(page.header("Retry-After")).hasValue("5");
        assertThat(page.body()).contains("Gatehouse is not available for a moment")
                .doesNotContain("HTTP Status", "Exception", "SQL", "SPRING_SESSION");
    }

    @Test
    void errorPageWhenTheSessionSaveFailsAsItCommitsThenThePlainOutagePageNotTomcatsBare500(CapturedOutput output) {
        TwoFactorUser ada = twoFactorUser("outage-verify");
        WebSession browser = passwordStep(ada);
        guard("code_attempts", "spring_session");
        int logBefore = output.getAll().length();

        // As in the reliability suite: the code's attempt count fails (the handler's failure, answered with the error
        // page), then so does the session's save when that page is flushed.
        DatabaseGoesDown.down = true;
        Page answer = browser.post("/signin/verify", Map.of("code", ada.app().wrongCode(clock().instant())));

        assertPlainOutagePage(answer);
        // The handler's failure, then the page's: one line each, with the exception classes only. (HikariCP's
        // warning that it drops the connection stays; H2, unlike PostgreSQL's driver, puts the SQL in its messages.)
        String log = output.getAll().substring(logBefore);
        assertThat(log.lines().filter(line -> line.contains("Unexpected error"))).hasSize(2)
                .allMatch(line -> line.matches(".*: Unexpected error \\w{8} on POST /signin/verify( \\(after its handler\\))?: "
                        + "\\w+( < \\w+)*"));
        assertThat(log).doesNotContain("Exception processing template", "overridden by rollback exception",
                "PreparedStatementCallback");
    }

    @Test
    void signInWhenItsSessionCannotBeSavedThenItDoesNotLookSuccessful() {
        TestUsers.Created bob = users().create("outage-signin");
        WebSession browser = browser();
        guard("spring_session");

        // The password is right and the handler succeeds; only the session (the signed-in state) cannot be written.
        DatabaseGoesDown.down = true;
        Page answer = signIn(browser, bob.email(), PASSWORD);

        assertPlainOutagePage(answer);
        DatabaseGoesDown.down = false;
        assertThat(browser.get("/settings/security").location()).as("not signed in").isEqualTo("/signin");
    }
}

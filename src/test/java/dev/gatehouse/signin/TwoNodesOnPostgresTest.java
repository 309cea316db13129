package dev.gatehouse.signin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.gatehouse.GatehouseApplication;
import dev.gatehouse.factor.CodeCheck;
import dev.gatehouse.factor.FactorService;
import dev.gatehouse.factor.FactorType;
import dev.gatehouse.factor.PendingEnrollment;
import dev.gatehouse.factor.totp.TotpMethod;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.testsupport.AuthenticatorApp;
import dev.gatehouse.testsupport.MutableClock;
import dev.gatehouse.testsupport.PostgresTest;
import dev.gatehouse.testsupport.Race;
import dev.gatehouse.testsupport.TestClockConfiguration;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.testsupport.WebSession;
import dev.gatehouse.testsupport.WebSession.Page;
import dev.gatehouse.user.User;
import dev.gatehouse.user.UserService;

/**
 * Two servers on one PostgreSQL database, as in production behind a load balancer: the lockout count and the single use
 * of a time step hold across nodes, and a sign-in may pass its two steps on different nodes.
 */
@PostgresTest
class TwoNodesOnPostgresTest {

    static final ClientInfo CLIENT = new ClientInfo("198.51.100.2", "two nodes");
    private static ConfigurableApplicationContext nodeB;

    @Autowired
    ApplicationContext nodeA;

    @LocalServerPort
    int portA;

    @Autowired
    MutableClock clockA;

    @Autowired
    JdbcClient jdbc;

    @BeforeEach
    void startSecondNode() {
        if (nodeB == null) {
            String url = nodeA.getEnvironment().getRequiredProperty("spring.datasource.url");
            // Command-line arguments, because builder properties are defaults that application.yml overrides.
            nodeB = new SpringApplicationBuilder(GatehouseApplication.class, TestClockConfiguration.class)
                    .profiles("dev")
                    .run("--server.port=0", "--management.server.port=0", "--spring.datasource.url=" + url,
                            "--spring.datasource.username=postgres", "--spring.datasource.password=",
                            "--spring.main.banner-mode=off", "--spring.jmx.enabled=false");
        }
        nodeB.getBean(MutableClock.class).set(clockA.instant());
    }

    @AfterAll
    static void stopSecondNode() {
        if (nodeB != null) {
            nodeB.close();
            nodeB = null;
        }
    }

    @Test
    void invariant3_totpStepAcceptedOnceAcrossTwoNodes() {
        User ada = new TestUsers(nodeA).create("nodes-replay").user();
        AuthenticatorApp app = enroll(ada);
        String code = app.code(clockA.instant());
        List<FactorService> nodes = List.of(nodeA.getBean(FactorService.class), nodeB.getBean(FactorService.class));

        List<CodeCheck> results = Race.run(10, i -> nodes.get(i % 2).checkCode(ada.id(), TotpMethod.TYPE, code, CLIENT));

        assertThat(results.stream().filter(CodeCheck.Accepted.class::isInstance).count()).isEqualTo(1);
    }

    @Test
    void invariant2_fiftyParallelGuessesOnTwoNodesEvaluateAtMostSix() {
        User ada = new TestUsers(nodeA).create("nodes-guess").user();
        AuthenticatorApp app = enroll(ada);
        String wrong = app.wrongCode(clockA.instant());
        List<FactorService> nodes = List.of(nodeA.getBean(FactorService.class), nodeB.getBean(FactorService.class));

        List<CodeCheck> results = Race.run(50, i -> nodes.get(i % 2).checkCode(ada.id(), TotpMethod.TYPE, wrong, CLIENT));

        assertThat(results).noneMatch(CodeCheck.Accepted.class::isInstance);
        assertThat(events(ada, "SECOND_FACTOR_FAILED")).as("evaluated").isEqualTo(6);
        assertThat(events(ada, "CODE_ENTRY_LOCKED")).isEqualTo(1);
        assertThat(nodes.get(1).checkCode(ada.id(), TotpMethod.TYPE, app.code(clockA.instant()), CLIENT))
                .as("the lock placed through node A holds on node B").isInstanceOf(CodeCheck.Locked.class);
    }

    @Test
    void passwordGuessesWhenFiftyParallelOnTwoNodesThenAtMostTenAreChecked() {
        TestUsers.Created ada = new TestUsers(nodeA).create("nodes-password");
        List<UserService> nodes = List.of(nodeA.getBean(UserService.class), nodeB.getBean(UserService.class));

        List<UserService.PasswordCheck> results = Race.run(50,
                i -> nodes.get(i % 2).authenticate(ada.email(), "wrong guess number " + i, CLIENT,
                        known -> java.util.Optional.empty()));

        long rejected = results.stream().filter(UserService.PasswordCheck.Rejected.class::isInstance).count();
        assertThat(results).noneMatch(UserService.PasswordCheck.Accepted.class::isInstance);
        assertThat(events(ada.user(), "PASSWORD_CHECKS_PAUSED")).isEqualTo(1);
        // Ten were checked: the ones told "wrong", and the one whose failure placed the pause.
        assertThat(rejected).as("checked and rejected").isEqualTo(9);
        assertThat(nodes.get(1).authenticate(ada.email(), ada.password(), CLIENT, known -> java.util.Optional.empty()))
                .as("the pause placed through either node holds on node B")
                .isInstanceOf(UserService.PasswordCheck.Paused.class);
    }

    @Test
    void signInWhenSameCodeSentToBothNodesAtOnceThenExactlyOneSessionSignsIn() {
        TestUsers.Created ada = new TestUsers(nodeA).create("nodes-http");
        AuthenticatorApp app = enroll(ada.user());
        int portB = ((WebServerApplicationContext) nodeB).getWebServer().getPort();
        List<WebSession> sessions = IntStream.range(0, 6)
                .mapToObj(i -> passwordStep(i % 2 == 0 ? portA : portB, ada)).toList();
        String code = app.code(clockA.instant());

        List<Page> results = Race.run(sessions.size(), i -> sessions.get(i).post("/signin/verify", Map.of("code", code)));

        assertThat(results.stream().filter(p -> p.status() == 302 && p.location().equals("/settings/security")))
                .hasSize(1);
        assertThat(results.stream().filter(p -> p.status() == 401)).hasSize(5);
    }

    @Test
    void signInWhenPasswordOnOneNodeAndCodeOnTheOtherThenSignedInOnBoth() {
        TestUsers.Created ada = new TestUsers(nodeA).create("nodes-hop");
        AuthenticatorApp app = enroll(ada.user());
        int portB = ((WebServerApplicationContext) nodeB).getWebServer().getPort();

        WebSession onA = passwordStep(portA, ada);
        WebSession onB = new WebSession(portB);
        copySessionCookie(onA, onB, portB);
        assertThat(onB.get("/settings/security").location()).as("node B: not signed in yet").isEqualTo("/signin");
        assertThat(onB.get("/signin/verify").status()).isEqualTo(200);
        Page done = onB.post("/signin/verify", Map.of("code", app.code(clockA.instant())));
        assertThat(done.location()).isEqualTo("/settings/security");
        assertThat(onB.get("/settings/security").body()).contains(ada.email());

        copySessionCookie(onB, onA, portA);
        assertThat(onA.get("/settings/security").body()).as("node A sees the signed-in session").contains(ada.email());
    }

    private AuthenticatorApp enroll(User user) {
        FactorService factors = nodeA.getBean(FactorService.class);
        PendingEnrollment pending = factors.startEnrollment(user, TotpMethod.TYPE).orElseThrow();
        AuthenticatorApp app = new AuthenticatorApp(nodeA.getBean(TotpMethod.class).setup(user, pending).base32Key());
        assertThat(factors.finishEnrollment(user, pending, app.code(clockA.instant()), CLIENT))
                .isInstanceOf(FactorService.Enrollment.Enabled.class);
        clockA.advance(Duration.ofSeconds(30));
        nodeB.getBean(MutableClock.class).set(clockA.instant());
        return app;
    }

    private static WebSession passwordStep(int port, TestUsers.Created user) {
        WebSession s = new WebSession(port);
        s.get("/signin");
        assertThat(s.post("/signin", Map.of("email", user.email(), "password", user.password())).location())
                .isEqualTo("/signin/verify");
        s.get("/signin/verify");
        return s;
    }

    private static void copySessionCookie(WebSession from, WebSession to, int toPort) {
        // Through the cookie manager, as a response would set it, so it replaces the cookie the session had.
        try {
            to.cookies().put(URI.create("http://localhost:" + toPort + "/"), Map.of("Set-Cookie",
                    List.of("GATEHOUSE_SESSION=" + from.cookie("GATEHOUSE_SESSION") + "; Path=/; HttpOnly")));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private long events(User user, String type) {
        return jdbc.sql("select count(*) from audit_events where user_id = ? and type = ?").params(user.id(), type)
                .query(Long.class).single();
    }
}

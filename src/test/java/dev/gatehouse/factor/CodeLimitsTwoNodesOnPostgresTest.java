package dev.gatehouse.factor;

import dev.gatehouse.factor.email.EmailCodeMethod;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.GatehouseApplication;
import dev.gatehouse.crypto.SecretSealer;
import dev.gatehouse.factor.CodeChallenges.SetupResult;
import dev.gatehouse.factor.CodeChallenges.SetupStart;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.testsupport.MutableClock;
import dev.gatehouse.testsupport.PostgresTest;
import dev.gatehouse.testsupport.Race;
import dev.gatehouse.testsupport.SentCodes;
import dev.gatehouse.testsupport.TestClockConfiguration;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.user.User;

/**
 * Two servers on one PostgreSQL database, as behind a load balancer: the resend cooldown, the send limits and the single
 * use of a code hold when the requests of one person land on both nodes at once.
 */
@PostgresTest
class CodeLimitsTwoNodesOnPostgresTest {

    static final ClientInfo CLIENT = new ClientInfo("198.51.100.4", "two nodes");
    private static ConfigurableApplicationContext nodeB;

    @Autowired ApplicationContext nodeA;
    @Autowired MutableClock clockA;
    @Autowired JdbcClient jdbc;

    List<CodeChallenges> nodes;

    @BeforeEach
    void startSecondNode() {
        if (nodeB == null) {
            String url = nodeA.getEnvironment().getRequiredProperty("spring.datasource.url");
            nodeB = new SpringApplicationBuilder(GatehouseApplication.class, TestClockConfiguration.class)
                    .profiles("dev")
                    .run("--server.port=0", "--management.server.port=0", "--spring.datasource.url=" + url,
                            "--spring.datasource.username=postgres", "--spring.datasource.password=",
                            "--spring.main.banner-mode=off", "--spring.jmx.enabled=false");
        }
        nodeB.getBean(MutableClock.class).set(clockA.instant());
        nodes = List.of(nodeA.getBean(CodeChallenges.class), nodeB.getBean(CodeChallenges.class));
    }

    @AfterAll
    static void stopSecondNode() {
        if (nodeB != null) {
            nodeB.close();
            nodeB = null;
        }
    }

    @Test
    void cooldownHoldsAcrossTwoNodes() {
        User ada = new TestUsers(nodeA).create("nodes-cooldown").user();
        enrollEmail(ada);
        UUID attempt = UUID.randomUUID();

        List<CodeSend> results = Race.run(10, i -> nodes.get(i % 2).send(ada, EmailCodeMethod.TYPE, CodePurpose.SIGN_IN,
                attempt, CLIENT));

        assertThat(results.stream().filter(CodeSend.Sent.class::isInstance).count()).isEqualTo(1);
        assertThat(results.stream().filter(CodeSend.CoolingDown.class::isInstance).count()).isEqualTo(9);
        assertThat(jdbc.sql("select sends from code_challenges where attempt_id = ?").param(attempt)
                .query(Integer.class).single()).isEqualTo(1);
    }

    @Test
    void userLimitHoldsAcrossTwoNodes() {
        User ada = new TestUsers(nodeA).create("nodes-limit").user();
        enrollEmail(ada);
        int left = nodeA.getBean(CodeProperties.class).userSendsPerWindow();   // the setup code had its own budget

        List<CodeSend> results = Race.run(16, i -> nodes.get(i % 2).send(ada, EmailCodeMethod.TYPE, CodePurpose.SIGN_IN,
                UUID.randomUUID(), CLIENT));

        assertThat(results.stream().filter(CodeSend.Sent.class::isInstance).count()).isEqualTo(left);
        assertThat(results.stream().filter(CodeSend.LimitReached.class::isInstance).count()).isEqualTo(16 - left);
        assertThat(jdbc.sql("select count(*) from code_challenges where user_id = ?").param(ada.id())
                .query(Long.class).single()).as("nothing stored past the limit").isEqualTo(left + 1);
        assertThat(jdbc.sql("select count(*) from audit_events where user_id = ? and type = 'CODE_SENT'")
                .param(ada.id()).query(Long.class).single()).isEqualTo(left + 1);
    }

    @Test
    void addressLimitHoldsAcrossTwoNodes() {
        // The test configuration lifts the address limit for everyone (all test browsers are 127.0.0.1), so each
        // node gets a limiter with a tight one over its own connection pool.
        CodeProperties tight = new CodeProperties(Duration.ofMinutes(10), Duration.ofSeconds(60),
                Duration.ofMinutes(15), 5, 20, 3, 10, 5, 10, 100, 1000);
        List<SendLimits> limiters = List.of(
                new SendLimits(new dev.gatehouse.system.RateLimits(jdbc), nodeA.getBean(SecretSealer.class), tight),
                new SendLimits(nodeB.getBean(dev.gatehouse.system.RateLimits.class), nodeB.getBean(SecretSealer.class),
                        tight));
        List<TransactionTemplate> txs = List.of(nodeA.getBean(TransactionTemplate.class),
                nodeB.getBean(TransactionTemplate.class));
        String ip = "203.0.113." + UUID.randomUUID();
        Instant now = clockA.instant();

        List<Boolean> taken = Race.run(12, i -> Boolean.TRUE.equals(txs.get(i % 2).execute(s -> {
            Optional<CodeSend.LimitReached> blocked = limiters.get(i % 2).take(CodeChallengesTest.signIn(
                    UUID.randomUUID()), ip, now);
            if (blocked.isPresent()) {
                s.setRollbackOnly();
            }
            return blocked.isEmpty();
        })));

        assertThat(taken.stream().filter(Boolean::booleanValue).count()).isEqualTo(3);
    }

    @Test
    void codeUsedOnceWhenSubmittedToBothNodesAtOnce() {
        User ada = new TestUsers(nodeA).create("nodes-once").user();
        String to = enrollEmail(ada);
        UUID attempt = UUID.randomUUID();
        nodes.get(1).send(ada, EmailCodeMethod.TYPE, CodePurpose.SIGN_IN, attempt, CLIENT);
        String code = new SentCodes(nodeA).awaitCode(to, 2);

        List<CodeCheck> results = Race.run(6, i -> nodes.get(i % 2).verify(ada.id(), EmailCodeMethod.TYPE,
                CodePurpose.SIGN_IN, attempt, code, CLIENT));

        assertThat(results.stream().filter(CodeCheck.Accepted.class::isInstance).count()).isEqualTo(1);
    }

    private String enrollEmail(User user) {
        CodeChallenges challenges = nodeA.getBean(CodeChallenges.class);
        SetupStart start = challenges.startSetup(user, EmailCodeMethod.TYPE, user.email(), null, null, CLIENT);
        CodeSetup setup = ((SetupStart.Started) start).setup();
        String code = new SentCodes(nodeA).awaitCode(user.email(), 1);
        assertThat(challenges.finishSetup(user, setup, code, CLIENT)).isInstanceOf(SetupResult.Enabled.class);
        return user.email();
    }
}

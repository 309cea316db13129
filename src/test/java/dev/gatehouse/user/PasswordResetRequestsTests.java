package dev.gatehouse.user;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.crypto.SecretSealer;
import dev.gatehouse.notify.EmailMessage;
import dev.gatehouse.notify.Notifier;
import dev.gatehouse.notify.SmsMessage;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.system.Db;
import dev.gatehouse.system.GatehouseProperties;
import dev.gatehouse.system.RateLimits;
import dev.gatehouse.testsupport.MutableClock;
import dev.gatehouse.testsupport.Race;
import dev.gatehouse.testsupport.TestUsers;

/**
 * "Forgot password?" requests wait for their work in the database, not in the answering node's memory: a node that
 * stops (or dies) after answering loses none, any node takes a request left overdue, and each is worked on once however
 * many nodes try. Until stop 36 the waiting work was a task in the node's own queue, lost with the node. A second node
 * here is a second {@link PasswordResets} on the same database, stopped as a node that is shut down (what it held is
 * dropped) or left running beside the server's own.
 */
abstract class PasswordResetRequestsTests {

    @Autowired ApplicationContext context;
    @Autowired JdbcClient jdbc;
    @Autowired PasswordResets server;

    TestUsers users;
    ClientInfo client;

    @BeforeEach
    void setUp() {
        users = new TestUsers(context);
        // Each test from a network of its own, so that no per-network budget carries over.
        client = new ClientInfo("203.0.113." + ThreadLocalRandom.current().nextInt(1, 255) + "", "reset requests");
    }

    /** What a test left waiting (put off, or kept from the sweeps) must not hold up other classes' waits. */
    @AfterEach
    void leaveNothingWaiting() {
        jdbc.sql("delete from password_reset_requests where ip = ?").param(client.ip()).update();
    }

    /** Another node on the same database, as the server's own is made. */
    private PasswordResets anotherNode() {
        return anotherNode(context.getBean(Notifier.class));
    }

    private PasswordResets anotherNode(Notifier notifier) {
        return new PasswordResets(jdbc, context.getBean(UserService.class), notifier,
                context.getBean(AuditLog.class), context.getBean(RateLimits.class),
                context.getBean(SecretSealer.class), context.getBean(GatehouseProperties.class),
                context.getBean(TransactionTemplate.class), context.getBean(Clock.class),
                context.getBean(PasswordHasher.class));
    }

    /**
     * A request answered by a node that stopped at once, kept out of the server's own sweep (due in an hour, so that
     * only the test's calls take it); its id.
     */
    private UUID waitingRequest(String email, ClientInfo from) throws InterruptedException {
        Set<UUID> before = Set.copyOf(waiting());
        stoppedNode().requestAnsweredAtOnce(email, from);
        UUID id = waiting().stream().filter(w -> !before.contains(w)).findFirst().orElseThrow();
        jdbc.sql("update password_reset_requests set due_at = ? where id = ?")
                .params(Db.ts(Instant.now().plus(Duration.ofHours(1))), id).update();
        return id;
    }

    /** A node that answered and then stopped before its work was due (its reset thread dropped the work). */
    private PasswordResets stoppedNode() throws InterruptedException {
        PasswordResets node = anotherNode();
        node.stop();
        return node;
    }

    private long resetEmails(String address) {
        return jdbc.sql("select count(*) from outbox where recipient = ? and subject like 'Reset your%'")
                .param(address).query(Long.class).single();
    }

    private List<UUID> waiting() {
        return jdbc.sql("select id from password_reset_requests where ip = ?").param(client.ip()).query(UUID.class)
                .list();
    }

    @Test
    void requestWhenItsNodeStopsBeforeTheWorkThenAnotherNodeSendsTheLinkOnce() throws Exception {
        TestUsers.Created ada = users.create("reset-node-stops");
        assertThat(stoppedNode().requestAnsweredAtOnce(ada.email(), client))
                .isInstanceOf(PasswordResets.Request.CheckEmail.class);
        assertThat(waiting()).as("the request waits in the database").hasSize(1);

        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!waiting().isEmpty()) {
            assertThat(System.nanoTime()).as("taken by the server's sweep once overdue").isLessThan(until);
            Thread.sleep(50);
        }
        assertThat(resetEmails(ada.email())).isEqualTo(1);
        assertThat(jdbc.sql("select count(*) from password_resets where user_id = ?").param(ada.user().id())
                .query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void workWhenNodesTakeTheSameRequestAtOnceThenOneLinkAndOneEmail() throws Exception {
        TestUsers.Created ada = users.create("reset-race");
        UUID id = waitingRequest(ada.email(), client);
        List<PasswordResets> nodes = List.of(server, anotherNode());
        try {
            List<Boolean> took = Race.run(10, i -> nodes.get(i % 2).work(id));
            assertThat(took).filteredOn(Boolean::booleanValue).as("taken once").hasSize(1);
        } finally {
            nodes.get(1).stop();
        }
        assertThat(resetEmails(ada.email())).isEqualTo(1);
        assertThat(waiting()).isEmpty();
    }

    /**
     * A request another node is working on (its row locked in that node's transaction) is passed over at once, not
     * waited for; when that node lets it go unsent (its transaction rolled back), the next call takes it.
     */
    @Test
    void workWhenAnotherNodeHoldsTheRequestThenPassedOverWithoutWaitingAndTakenAfter() throws Exception {
        TestUsers.Created ada = users.create("reset-held");
        UUID id = waitingRequest(ada.email(), client);
        TransactionTemplate tx = context.getBean(TransactionTemplate.class);
        java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.Future<?> holder = threads.submit(() -> tx.executeWithoutResult(status -> {
                jdbc.sql("select id from password_reset_requests where id = ? for update").param(id)
                        .query(UUID.class).single();
                held.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                status.setRollbackOnly(); // the other node failed: the request stays
            }));
            assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
            // Waiting on the lock would last until the release below: the answer within 10 s shows it did not.
            assertThat(threads.submit(() -> server.work(id)).get(10, TimeUnit.SECONDS)).as("passed over").isFalse();
            release.countDown();
            holder.get(10, TimeUnit.SECONDS);
        } finally {
            release.countDown();
            threads.shutdownNow();
        }
        assertThat(resetEmails(ada.email())).isZero();
        assertThat(server.work(id)).as("taken once let go").isTrue();
        assertThat(resetEmails(ada.email())).isEqualTo(1);
        assertThat(waiting()).isEmpty();
    }

    @Test
    void requestWhenTheAddressHasNoUserThenItWaitsAllTheSameSealedAndEndsWithoutAnEmail() throws Exception {
        String nobody = "nobody-" + UUID.randomUUID() + "@example.com";
        stoppedNode().requestAnsweredAtOnce(nobody, client);
        List<String> stored = jdbc.sql("select address from password_reset_requests where ip = ?")
                .param(client.ip()).query(String.class).list();
        assertThat(stored).as("written as for a known address, so the answer costs the same").hasSize(1);
        assertThat(stored.get(0)).doesNotContain("nobody").startsWith("v1.");

        assertThat(server.work(waiting().get(0))).isTrue();
        assertThat(resetEmails(nobody)).isZero();
        assertThat(waiting()).isEmpty();
    }

    @Test
    void workWhenTheRequestWaitedLongerThanALinkLivesOrCannotBeReadThenDroppedUnsent() throws Exception {
        TestUsers.Created ada = users.create("reset-too-old");
        UUID old = waitingRequest(ada.email(), client);
        jdbc.sql("update password_reset_requests set expires_at = ? where id = ?")
                .params(Db.ts(Instant.now().minusSeconds(5)), old).update(); // older than a link lives
        assertThat(server.work(old)).isTrue();
        assertThat(resetEmails(ada.email())).isZero();

        UUID unreadable = UUID.randomUUID();
        jdbc.sql("""
                insert into password_reset_requests (id, address, ip, user_agent, requested_at, due_at, expires_at)
                values (?, 'v1.gone.AAAA', ?, '', ?, ?, ?)""")
                .params(unreadable, client.ip(), Db.ts(Instant.now()), Db.ts(Instant.now().plusSeconds(3600)),
                        Db.ts(Instant.now().plusSeconds(7200)))
                .update();
        assertThat(server.work(unreadable)).isTrue();
        assertThat(waiting()).isEmpty();
        assertThat(server.work(unreadable)).as("nothing left to take").isFalse();
    }

    /**
     * A request whose work fails is put off, and the requests behind it in the sweep go on: before, the first failure
     * ended the sweep, and the same request came first again every second (found by the review of stop 36).
     */
    @Test
    void sweepWhenOneRequestFailsThenItIsPutOffAndTheOthersAreSent() throws Exception {
        TestUsers.Created ada = users.create("reset-fails");
        TestUsers.Created bob = users.create("reset-behind");
        UUID adas = waitingRequest(ada.email(), client);
        waitingRequest(bob.email(), client);
        Notifier real = context.getBean(Notifier.class);
        Notifier failingForAda = new Notifier() {
            @Override
            public UUID send(EmailMessage message) {
                if (message.to().equalsIgnoreCase(ada.email())) {
                    throw new IllegalStateException("the outbox refused");
                }
                return real.send(message);
            }

            @Override
            public UUID send(SmsMessage message) {
                return real.send(message);
            }

            @Override
            public boolean smsAvailable() {
                return real.smsAvailable();
            }

            @Override
            public void withdraw(UUID messageId) {
                real.withdraw(messageId);
            }
        };
        PasswordResets node = anotherNode(failingForAda);
        Instant hidden = Instant.now().plus(Duration.ofHours(1));
        try {
            // Ada's first in the sweep.
            jdbc.sql("update password_reset_requests set due_at = ? where id = ?")
                    .params(Db.ts(hidden.minusSeconds(60)), adas).update();
            node.sweep(hidden.plusSeconds(60));
        } finally {
            node.stop();
        }
        assertThat(resetEmails(bob.email())).as("the request behind the failing one").isEqualTo(1);
        assertThat(resetEmails(ada.email())).isZero();
        List<Instant> putOff = jdbc.sql("select due_at from password_reset_requests where ip = ?")
                .param(client.ip()).query((rs, n) -> Db.instant(rs, "due_at")).list();
        assertThat(putOff).as("Ada's, put off about 30 s").singleElement()
                .satisfies(due -> assertThat(due).isBetween(Instant.now().plusSeconds(20), Instant.now().plusSeconds(40)));
    }

    /**
     * A request taken late (its node died, the sweep came minutes after) does not end a link that a later request
     * already sent: only the newest email's link would have worked (found by the review of stop 36).
     */
    @Test
    void workWhenALaterRequestAlreadySentALinkThenTheLateOneSendsNothingAndEndsNothing() throws Exception {
        TestUsers.Created ada = users.create("reset-late");
        UUID late = waitingRequest(ada.email(), client);
        context.getBean(MutableClock.class).advance(Duration.ofMinutes(1));
        server.request(ada.email(), client); // at once, as the page asked before stop 34

        assertThat(server.work(late)).isTrue();
        assertThat(resetEmails(ada.email())).isEqualTo(1);
        assertThat(jdbc.sql("select count(*) from password_resets where user_id = ? and used_at is null")
                .param(ada.user().id()).query(Long.class).single()).as("the later link still works").isEqualTo(1);
    }
}

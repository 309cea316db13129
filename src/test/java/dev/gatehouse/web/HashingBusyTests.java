package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.testsupport.WebSession;
import dev.gatehouse.testsupport.WebSession.Page;
import dev.gatehouse.user.PasswordHasher;

/**
 * Issue 16: a node hashing at its limit, with its queue full, answers a password form with the "busy, try again in a
 * few seconds" page (503, Retry-After) and does nothing else: no wrong password counted, nothing written, nothing
 * audited. This server hashes one password at a time and lets none wait; the test holds that one turn itself.
 */
@TestPropertySource(properties = {
        "gatehouse.password.hashing.concurrency=1",
        "gatehouse.password.hashing.queue=0"})
abstract class HashingBusyTests extends WebFlowSupport {

    private final CountDownLatch release = new CountDownLatch(1);
    private CompletableFuture<Void> holder;

    /** Takes the node's only turn to hash and keeps it until {@link #freeTheGate}. */
    void saturateTheGate() throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        PasswordHasher hasher = ctx.getBean(PasswordHasher.class);
        holder = CompletableFuture.runAsync(() -> hasher.gated(() -> {
            held.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }));
        assertThat(held.await(30, TimeUnit.SECONDS)).as("the test holds the turn").isTrue();
    }

    @AfterEach
    void freeTheGate() throws Exception {
        release.countDown();
        if (holder != null) {
            holder.get(30, TimeUnit.SECONDS);
        }
    }

    long wrongPasswordsCounted() {
        return count("select coalesce(sum(failures), 0) from password_attempts")
                + count("select coalesce(sum(hits), 0) from rate_counters");
    }

    @Test
    void signInWhenHashingSaturatedThenBusyPageWithRetryAfterAndNothingCounted() throws Exception {
        TestUsers.Created ada = users().create("busy");
        WebSession web = browser();
        long countedBefore = wrongPasswordsCounted();
        saturateTheGate();

        Page busy = signIn(web, ada.email(), "a wrong password");
        assertThat(busy.status()).isEqualTo(503);
        assertThat(busy.header("Retry-After")).contains("5");
        assertThat(text(busy)).contains("Gatehouse is busy, try again in a few seconds.")
                .contains("Nothing was changed").doesNotContain("{");
        assertThat(wrongPasswordsCounted()).as("a refused sign-in is no wrong password").isEqualTo(countedBefore);
        assertThat(auditTypes(ada.user().id())).doesNotContain(AuditEventType.SIGN_IN_FAILED);

        release.countDown();
        holder.get(30, TimeUnit.SECONDS);
        Page again = signIn(web, ada.email(), PASSWORD);
        assertThat(again.location()).as("sent again once the node has a turn free").isEqualTo("/settings/security");
    }

    @Test
    void signUpWhenHashingSaturatedThenBusyPageAndNoRequestStored() throws Exception {
        String email = unique("busy-signup");
        WebSession web = browser();
        web.get("/signup");
        long requestsBefore = count("select count(*) from signup_requests");
        long countedBefore = count("select coalesce(sum(hits), 0) from rate_counters");
        saturateTheGate();

        Page busy = web.post("/signup", Map.of("displayName", "Busy", "email", email, "password", PASSWORD,
                "accountName", "Busy Ltd"));
        assertThat(busy.status()).isEqualTo(503);
        assertThat(busy.header("Retry-After")).contains("5");
        assertThat(text(busy)).contains("Gatehouse is busy");
        assertThat(count("select count(*) from signup_requests")).isEqualTo(requestsBefore);
        assertThat(count("select coalesce(sum(hits), 0) from rate_counters"))
                .as("the sign-up limits' counts were given back: a refused sign-up is not counted").isEqualTo(countedBefore);
        awaitOutboxIdle();
        assertThat(mail().to(email)).isEmpty();
    }
}

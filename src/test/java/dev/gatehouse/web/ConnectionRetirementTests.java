package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariDataSource;

import dev.gatehouse.testsupport.SentCodes;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.testsupport.WebSession;
import dev.gatehouse.testsupport.WebSession.Page;

/**
 * Issue 11.1: the pool retires its connections (max-lifetime, 30 minutes by default) and every path that queues a
 * message, or writes a row that a CHECK constraint guards, still works afterwards. H2 2.4.240 broke here: an
 * {@code IN (...)} check kept a reference to the connection that first compiled it and failed once that one closed.
 * HikariCP refuses a max-lifetime under 30 s, so the test retires the connections the way max-lifetime does, through
 * the pool's soft eviction, before each step.
 */
abstract class ConnectionRetirementTests extends TwoFactorFlowSupport {

    /** Every open connection is closed (idle ones now, busy ones when handed back) and replaced by a new one. */
    void retireConnections() throws InterruptedException {
        HikariDataSource pool = ctx.getBean(HikariDataSource.class);
        pool.getHikariPoolMXBean().softEvictConnections();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (pool.getHikariPoolMXBean().getTotalConnections() > pool.getHikariPoolMXBean().getIdleConnections()
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(200);
    }

    @Test
    void everyPathThatQueuesAMessageWhenPoolConnectionsWereRetiredThenStillWorks() throws InterruptedException {
        // Sign-up of a new address, then again for the same address ("you already have an account").
        String email = unique("retired");
        for (int n = 1; n <= 2; n++) {
            retireConnections();
            WebSession web = browser();
            web.get("/signup");
            Page answer = web.post("/signup", Map.of("displayName", "Retired", "email", email, "password", PASSWORD,
                    "accountName", "Retired Ltd"));
            assertThat(answer.location()).as("sign-up " + n).isEqualTo("/signup/sent");
            mail().awaitNth(email, n);
        }

        // A method turned on (second_factors, backup codes, "method added" email), new-browser sign-in email.
        retireConnections();
        TwoFactorUser ada = twoFactorUser("retired-2fa");
        retireConnections();
        int before = mail().to(ada.email()).size();
        WebSession other = browser().userAgent("Mozilla/5.0 (Macintosh) Firefox/140.0");
        passwordStep(other, ada);
        assertThat(code(other, ada, false).location()).isEqualTo("/settings/security");
        mail().awaitNth(ada.email(), before + 1);

        // Six wrong codes: the lockout and its email.
        retireConnections();
        WebSession guesser = passwordStep(ada);
        before = mail().to(ada.email()).size();
        for (int i = 0; i < 6; i++) {
            nextStep();
            Page wrong = guesser.post("/signin/verify", Map.of("code", ada.app().wrongCode(clock().instant())));
            assertThat(wrong.status()).as("wrong code " + (i + 1)).isIn(401, 429);
        }
        mail().awaitNth(ada.email(), before + 1);

        // Ten wrong passwords: the pause and its email.
        retireConnections();
        TestUsers.Created bob = users().create("retired-pw");
        for (int i = 0; i < 10; i++) {
            assertThat(signIn(browser(), bob.email(), "wrong password " + i).status()).isIn(401, 429);
        }
        mail().awaitNth(bob.email(), 1);

        // An email code and a text message code sent for setup (code_challenges, outbox on both channels).
        for (String method : new String[] {"email", "sms"}) {
            retireConnections();
            TestUsers.Created carol = users().create("retired-" + method);
            WebSession web = signedIn(carol.email(), PASSWORD);
            web.get("/settings/confirm?next=/settings/two-factor/" + method);
            web.post("/settings/confirm", Map.of("password", PASSWORD, "next", "/settings/two-factor/" + method));
            web.get("/settings/two-factor/" + method);
            retireConnections();
            Page sent = method.equals("email")
                    ? web.post("/settings/two-factor/email", Map.of("destination", carol.email()))
                    : web.post("/settings/two-factor/sms", Map.of("country", "GB", "destination", "07400 123456"));
            assertThat(sent.location()).as(method + " code sent").isEqualTo("/settings/two-factor/" + method + "/verify");
            new SentCodes(ctx).awaitCode(method.equals("email") ? carol.email() : "+447400123456", 1);
        }

        // An invitation (invitations, and its email).
        retireConnections();
        TestUsers.Created owner = users().create("retired-owner");
        WebSession web = signedIn(owner.email(), PASSWORD);
        web.get("/accounts/" + owner.accountId() + "/settings");
        String invitee = unique("retired-invitee");
        assertThat(web.post("/accounts/" + owner.accountId() + "/invitations",
                Map.of("email", invitee, "role", "MEMBER", "phone", "+447400123456")).status()).isEqualTo(302);
        mail().awaitNth(invitee, 1);

        // FAILED only: a code superseded before it went out is EXPIRED on purpose (the in-flight withdrawal), and other
        // test classes sharing this database may have left such rows.
        assertThat(count("select count(*) from outbox where status = 'FAILED'")).as("no message failed").isZero();
    }
}

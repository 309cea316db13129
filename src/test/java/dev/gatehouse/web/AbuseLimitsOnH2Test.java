package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import dev.gatehouse.testsupport.DevMail;
import dev.gatehouse.testsupport.H2Test;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.testsupport.WebSession;
import dev.gatehouse.testsupport.WebSession.Page;

/**
 * Issue 11.4: wrong passwords and sign-ups counted per network (password spraying, mail flooding), sign-up emails
 * per address, and the client's address taken from
 * X-Forwarded-For only when a trusted proxy sends it. This server trusts the test's own loopback peer as its proxy,
 * as production trusts its load balancer, so each test client can say which network it comes from.
 */
@H2Test
@TestPropertySource(properties = {
        "server.forward-headers-strategy=native",
        "server.tomcat.remoteip.internal-proxies=127\\.0\\.0\\.1|0:0:0:0:0:0:0:1",
        "gatehouse.password.throttle.network.failures-per-window=5",
        "gatehouse.password.throttle.network.failures-per-day=50",
        "gatehouse.signup.requests-per-network-per-hour=6"})
class AbuseLimitsOnH2Test extends WebFlowSupport {

    WebSession from(String ip) {
        return browser().header("X-Forwarded-For", ip);
    }

    String lastIp(java.util.UUID userId) {
        return jdbc().sql("select ip from audit_events where user_id = ? order by id desc").param(userId)
                .query(String.class).list().get(0);
    }

    @Test
    void passwordSprayWhenOneNetworkTriesManyAddressesThenThatNetworkPausedAndOwnersElsewhereSignIn() {
        TestUsers.Created ada = users().create("spray-target");
        String attacker = "203.0.113.9";
        for (int i = 0; i < 5; i++) {
            String address = i == 0 ? ada.email() : unique("sprayed");
            assertThat(signIn(from(attacker), address, "Summer2026!").status()).as("guess " + (i + 1)).isEqualTo(401);
        }

        Page paused = signIn(from(attacker), unique("sprayed"), "Summer2026!");
        assertThat(paused.status()).isEqualTo(429);
        assertThat(paused.header("Retry-After")).isPresent();
        assertThat(text(paused)).contains("Too many wrong passwords were typed from your network")
                .containsPattern("paused for \\d+ minutes? \\(until \\d\\d:\\d\\d UTC\\)").doesNotContain("{");
        Page rightPassword = signIn(from(attacker), ada.email(), PASSWORD);
        assertThat(rightPassword.status()).as("even a right password waits: nothing is checked").isEqualTo(429);
        assertThat(count("select hits from rate_counters where scope = 'pw-net:203.0.113.9/P1D'"))
                .as("refused tries count nowhere, not even in the day's budget").isEqualTo(5);

        // The owner, on another network, is not kept out; nor is the same attacker's neighbour on another /64.
        Page owner = signIn(from("198.51.100.7"), ada.email(), PASSWORD);
        assertThat(owner.location()).isEqualTo("/settings/security");
        assertThat(lastIp(ada.user().id())).as("the address the trusted proxy forwarded").isEqualTo("198.51.100.7");
    }

    @Test
    void rightPasswordsWhenManyFromOneNetworkThenNeverCounted() {
        TestUsers.Created office = users().create("office");
        for (int i = 0; i < 8; i++) {
            assertThat(signIn(from("192.0.2.44"), office.email(), PASSWORD).location()).as("sign-in " + (i + 1))
                    .isEqualTo("/settings/security");
        }
        assertThat(signIn(from("192.0.2.44"), office.email(), "mistyped").status()).isEqualTo(401);
    }

    @Test
    void ipv6WhenGuessesComeFromOneSlash64ThenCountedAsOneNetwork() {
        for (int i = 0; i < 5; i++) {
            assertThat(signIn(from("2001:db8:7:7::" + (i + 1)), unique("v6"), "guess").status()).isEqualTo(401);
        }
        assertThat(signIn(from("2001:db8:7:7:ffff::1"), unique("v6"), "guess").status()).isEqualTo(429);
        assertThat(signIn(from("2001:db8:7:8::1"), unique("v6"), "guess").status()).as("the next /64").isEqualTo(401);
    }

    @Test
    void ipv6WhenGuessesSpreadOverManySlash64sOfOneSlash48ThenTheSiteIsPausedAtFourTimesTheBudget() {
        // 5 per /64 in this test's configuration, so 20 for the /48: four /64s use it up without pausing any of them.
        for (int i = 0; i < 20; i++) {
            assertThat(signIn(from("2001:db8:8:" + (i % 4 + 1) + "::" + (i + 1)), unique("v6"), "guess").status())
                    .as("guess " + (i + 1)).isEqualTo(401);
        }
        assertThat(signIn(from("2001:db8:8:99::1"), unique("v6"), "guess").status()).as("a fresh /64 of the site")
                .isEqualTo(429);
        assertThat(signIn(from("2001:db8:9::1"), unique("v6"), "guess").status()).as("another site").isEqualTo(401);
    }

    Page signUp(WebSession web, String name, String email) {
        web.get("/signup");
        return web.post("/signup", Map.of("displayName", name, "email", email, "password", PASSWORD,
                "accountName", "Flood Ltd"));
    }

    @Test
    void signUpWhenOneAddressAskedFiveTimesThenThreeEmailsAndTheSameAnswerEachTime() throws InterruptedException {
        String victim = unique("flooded");
        for (int i = 0; i < 5; i++) {
            assertThat(signUp(from("192.0.2." + (10 + i)), "Flood", victim).location()).as("request " + (i + 1))
                    .isEqualTo("/signup/sent");
        }
        awaitOutboxIdle();
        assertThat(mail().to(victim)).hasSize(3);
    }

    @Test
    void signUpWhenManyFromOneNetworkThenPausedWithAClearMessageAndOthersGoOn() throws InterruptedException {
        for (int i = 0; i < 6; i++) {
            assertThat(signUp(from("198.51.100.99"), "Many", unique("many")).location()).isEqualTo("/signup/sent");
        }
        String refusedAddress = unique("many");
        Page refused = signUp(from("198.51.100.99"), "Many", refusedAddress);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).isPresent()
                .hasValueSatisfying(s -> assertThat(Integer.parseInt(s)).isPositive());
        assertThat(text(refused)).contains("Many sign-ups have come from your network")
                .containsPattern("try again after \\d\\d:\\d\\d UTC \\(in about \\d+ minutes?\\)")
                .doesNotContain("{");
        assertThat(signUp(from("198.51.100.100"), "Other", unique("other")).location()).isEqualTo("/signup/sent");
        awaitOutboxIdle();
        assertThat(mail().to(refusedAddress)).isEmpty();
    }

    @Test
    void signUpEmailWhenTheNameHoldsALinkThenNothingTypedIsInTheEmail() {
        String email = unique("spam");
        signUp(from("192.0.2.200"), "Claim your prize at https://evil.example/win", email);
        DevMail.Message message = mail().awaitNth(email, 1);
        assertThat(message.text() + message.html()).doesNotContain("evil.example").doesNotContain("prize")
                .doesNotContain("Flood Ltd");
    }
}

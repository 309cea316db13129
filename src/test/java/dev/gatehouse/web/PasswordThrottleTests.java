package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.testsupport.DevMail;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.testsupport.WebSession;
import dev.gatehouse.testsupport.WebSession.Page;

/**
 * Online password guessing: ten wrong passwords in a row for one address pause password checks for it, on every page
 * that checks a password, for known and unknown addresses alike.
 */
abstract class PasswordThrottleTests extends WebFlowSupport {

    private static final String WRONG = "not the password at all";

    @Test
    void signInWhenTenWrongPasswordsThenPausedEvenForTheRightOneAndThePageSaysHowLong() {
        TestUsers.Created ada = users().create("guess");
        WebSession attacker = browser();
        for (int i = 1; i <= 9; i++) {
            assertThat(signIn(attacker, ada.email(), WRONG).status()).as("wrong password " + i).isEqualTo(401);
        }
        Page tenth = signIn(attacker, ada.email(), WRONG);
        assertThat(tenth.status()).isEqualTo(429);
        assertThat(text(tenth)).contains("Too many wrong passwords were typed for this email address")
                .contains("for 1 minute");

        WebSession owner = browser();
        Page right = signIn(owner, ada.email(), PASSWORD);
        assertThat(right.status()).as("even the right password waits").isEqualTo(429);
        assertThat(owner.get("/settings/security").location()).isEqualTo("/signin");

        clock().advance(Duration.ofSeconds(61));
        assertThat(signIn(owner, ada.email(), PASSWORD).location()).isEqualTo("/settings/security");
        assertThat(auditTypes(ada.user().id())).contains(AuditEventType.PASSWORD_CHECKS_PAUSED)
                .filteredOn(AuditEventType.SIGN_IN_FAILED::equals).hasSize(9);
        DevMail.Message notice = mail().await(ada.email(), "password sign-in paused");
        assertThat(notice.text()).contains("Several wrong passwords were typed in a row").contains("up to 15 minutes")
                .doesNotContain(WRONG);
    }

    @Test
    void signInWhenAddressUnknownThenPausedTheSameWay() {
        TestUsers.Created ada = users().create("guess-known");
        String nobody = unique("guess-nobody");
        WebSession first = browser();
        WebSession second = browser();
        Page known = null;
        Page unknown = null;
        for (int i = 1; i <= 11; i++) {
            known = signIn(first, ada.email(), WRONG);
            unknown = signIn(second, nobody, WRONG);
            assertThat(known.status()).as("attempt " + i).isEqualTo(unknown.status());
        }
        assertThat(known.status()).isEqualTo(429);
        assertThat(withoutCsrf(known.body()).replace(ada.email(), "EMAIL"))
                .isEqualTo(withoutCsrf(unknown.body()).replace(nobody, "EMAIL"));
        clock().advance(Duration.ofSeconds(61));
    }

    @Test
    void signInWhenPausesRepeatThenEachIsLongerUpToTheCeilingAndOnlyTheFirstIsEmailed() {
        TestUsers.Created ada = users().create("guess-grow");
        WebSession attacker = browser();
        int[] expectedMinutes = {1, 2, 4, 8, 15, 15};
        for (int minutes : expectedMinutes) {
            Page last = null;
            for (int i = 0; i < 10; i++) {
                last = signIn(attacker, ada.email(), WRONG);
            }
            assertThat(last.status()).isEqualTo(429);
            assertThat(text(last)).contains(minutes == 1 ? "for 1 minute" : "for " + minutes + " minutes");
            clock().advance(Duration.ofMinutes(minutes).plusSeconds(1));
        }
        assertThat(auditTypes(ada.user().id())).filteredOn(AuditEventType.PASSWORD_CHECKS_PAUSED::equals).hasSize(6);
        mail().await(ada.email(), "password sign-in paused");
        assertThat(mail().to(ada.email())).filteredOn(m -> m.subject().contains("password sign-in paused")).hasSize(1);
    }

    @Test
    void signInWhenRightPasswordBeforeTheTenthThenTheCountStartsOver() {
        TestUsers.Created ada = users().create("guess-reset");
        WebSession web = browser();
        for (int i = 0; i < 9; i++) {
            signIn(web, ada.email(), WRONG);
        }
        assertThat(signIn(web, ada.email(), PASSWORD).location()).isEqualTo("/settings/security");
        web.post("/signout", Map.of());
        for (int i = 0; i < 9; i++) {
            assertThat(signIn(web, ada.email(), WRONG).status()).isEqualTo(401);
        }
        assertThat(signIn(web, ada.email(), PASSWORD).location()).isEqualTo("/settings/security");
    }

    @Test
    void reconfirmAndPasswordChangeWhenWrongPasswordsThenTheyCountTowardTheSamePause() {
        TestUsers.Created ada = users().create("guess-sudo");
        // Someone holding a signed-in session (a borrowed laptop) tries passwords where a page asks for one.
        WebSession borrowed = signedIn(ada.email(), PASSWORD);
        borrowed.get("/settings/confirm?next=/settings/backup-codes/new");
        for (int i = 0; i < 5; i++) {
            assertThat(borrowed.post("/settings/confirm", Map.of("password", WRONG,
                    "next", "/settings/backup-codes/new")).status()).isEqualTo(401);
        }
        for (int i = 0; i < 4; i++) {
            borrowed.get("/settings/security");
            assertThat(borrowed.post("/settings/password", Map.of("currentPassword", WRONG,
                    "newPassword", "a brand new passphrase", "confirmPassword", "a brand new passphrase")).status())
                    .isEqualTo(422);
        }
        Page tenth = borrowed.post("/settings/confirm", Map.of("password", WRONG, "next", "/settings/backup-codes/new"));
        assertThat(tenth.status()).isEqualTo(429);
        assertThat(tenth.header("Retry-After")).as("whole seconds until the pause ends").isPresent()
                .hasValueSatisfying(s -> assertThat(Integer.parseInt(s)).isBetween(1, 61));
        assertThat(text(tenth)).contains("Too many wrong passwords");
        Page right = borrowed.post("/settings/confirm", Map.of("password", PASSWORD,
                "next", "/settings/backup-codes/new"));
        assertThat(right.status()).isEqualTo(429);
        borrowed.get("/settings/security");
        Page change = borrowed.post("/settings/password", Map.of("currentPassword", PASSWORD,
                "newPassword", "a brand new passphrase", "confirmPassword", "a brand new passphrase"));
        assertThat(change.status()).isEqualTo(429);
        assertThat(change.header("Retry-After")).isPresent()
                .hasValueSatisfying(s -> assertThat(Integer.parseInt(s)).isBetween(1, 61));
        assertThat(text(change)).contains("Too many wrong passwords");
        assertThat(count("select count(*) from audit_events where user_id = ? and type = 'PASSWORD_CHANGED'",
                ada.user().id())).isZero();
        assertThat(signIn(browser(), ada.email(), PASSWORD).status()).as("sign-in elsewhere waits too").isEqualTo(429);

        clock().advance(Duration.ofSeconds(61));
        assertThat(borrowed.post("/settings/confirm", Map.of("password", PASSWORD,
                "next", "/settings/backup-codes/new")).location()).isEqualTo("/settings/backup-codes/new");
    }

    @Test
    void signInWhenAddressPausedFromElsewhereThenABrowserTheOwnerUsedBeforeStillSignsInAndCountsItsOwnFailures() {
        TestUsers.Created ada = users().create("guess-device");
        WebSession usual = signedIn(ada.email(), PASSWORD);
        usual.post("/signout", Map.of());

        WebSession attacker = browser();
        for (int i = 0; i < 10; i++) {
            signIn(attacker, ada.email(), WRONG);
        }
        assertThat(signIn(browser(), ada.email(), PASSWORD).status()).as("a new browser waits").isEqualTo(429);
        assertThat(signIn(usual, ada.email(), PASSWORD).location()).as("the owner's usual browser does not")
                .isEqualTo("/settings/security");
        usual.post("/signout", Map.of());

        for (int i = 1; i <= 9; i++) {
            assertThat(signIn(usual, ada.email(), WRONG).status()).as("its own wrong password " + i).isEqualTo(401);
        }
        assertThat(signIn(usual, ada.email(), WRONG).status()).isEqualTo(429);
        assertThat(signIn(usual, ada.email(), PASSWORD).status()).as("its own count is paused now").isEqualTo(429);
        clock().advance(Duration.ofSeconds(61));
        assertThat(signIn(usual, ada.email(), PASSWORD).location()).isEqualTo("/settings/security");
    }
}

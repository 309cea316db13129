package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.audit.AuditEventType;

import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.testsupport.DevMail;
import dev.gatehouse.testsupport.H2Test;
import dev.gatehouse.testsupport.Race;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.testsupport.WebSession;
import dev.gatehouse.testsupport.WebSession.Page;
import dev.gatehouse.user.PasswordResets;
import dev.gatehouse.user.UserService;

/**
 * "Forgot password?" over HTTP, as an attacker tries it: the answer tells nothing about the address, a link works
 * once and not after 30 minutes, and for a user with a second factor the link alone changes nothing: the second step
 * comes first, and cannot be skipped by going to the form directly.
 */
@H2Test
class PasswordResetFlowOnH2Test extends TwoFactorFlowSupport {

    static final String NEW_PASSWORD = "a whole new passphrase";

    private Page ask(WebSession web, String email) {
        web.get("/signin/forgot");
        return web.post("/signin/forgot", Map.of("email", email));
    }

    private String linkPath(String email) {
        DevMail.Message mail = mail().await(email, "Reset your");
        return path(mail.link("/signin/reset/"));
    }

    @Test
    void forgotWhenAddressKnownOrNotThenTheSameAnswerAndOnlyAKnownOneGetsMail() {
        TestUsers.Created ada = users().create("reset-known");
        String unknown = unique("nobody") + "@example.com";

        Page known = ask(browser(), ada.email());
        Page none = ask(browser(), unknown);

        assertThat(known.status()).isEqualTo(none.status()).isEqualTo(200);
        assertThat(withoutCsrf(known.body()).replace(ada.email(), "X"))
                .isEqualTo(withoutCsrf(none.body()).replace(unknown, "X"));
        assertThat(mail().await(ada.email(), "Reset your").text()).contains("/signin/reset/", "30 minutes");
        awaitWorkAfterTheAnswers();
        assertThat(count("select count(*) from outbox where recipient = ?", unknown)).isZero();
    }

    /**
     * The answer does not wait for the work an address with a user costs (looking it up, storing the link, queuing
     * the email: about 4 ms more than for an unknown address, which told them apart). Shown without a clock: the
     * user's row is held locked, so that work cannot finish, and the answer comes all the same; the link follows
     * once the row is free.
     */
    @Test
    void forgotWhenTheWorkForAKnownAddressCannotFinishYetThenTheAnswerComesFirstAndTheLinkAfter() throws Exception {
        TestUsers.Created ada = users().create("reset-at-once");
        WebSession web = browser();
        web.get("/signin/forgot");
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        TransactionTemplate tx = ctx.getBean(TransactionTemplate.class);
        CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> tx.executeWithoutResult(status -> {
            ctx.getBean(UserService.class).lockForChange(ada.user().id());
            locked.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        try {
            assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();
            Page answer = CompletableFuture.supplyAsync(() -> web.post("/signin/forgot", Map.of("email", ada.email())))
                    .get(10, TimeUnit.SECONDS);
            assertThat(answer.status()).isEqualTo(200);
            assertThat(text(answer)).contains("has an account here, a link");
            assertThat(count("select count(*) from password_resets where user_id = ?", ada.user().id()))
                    .as("nothing stored yet: the work waits for the row").isZero();
        } finally {
            release.countDown();
            holder.get(20, TimeUnit.SECONDS);
        }
        assertThat(mail().await(ada.email(), "Reset your").text()).contains("/signin/reset/");
        assertThat(auditTypes(ada.user().id())).contains(AuditEventType.PASSWORD_RESET_REQUESTED);
    }

    /** Until every answered request's work ran: the answer comes before it (see the test above). */
    private void awaitWorkAfterTheAnswers() {
        PasswordResets resets = ctx.getBean(PasswordResets.class);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (resets.waitingAfterTheAnswer() > 0) {
            assertThat(System.nanoTime()).as("the work after the answers").isLessThan(until);
            try {
                Thread.sleep(20); // a count in the database each time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void resetWhenNoSecondFactorThenNewPasswordWorksOldDoesNotAndTheLinkWorksOnce() {
        TestUsers.Created ada = users().create("reset-plain");
        WebSession elsewhere = signedIn(ada.email(), PASSWORD);
        ask(browser(), ada.email());
        String link = linkPath(ada.email());

        WebSession web = browser();
        Page opened = web.get(link);
        assertThat(opened.location()).as("the token leaves the address bar").isEqualTo("/signin/reset");
        assertThat(web.get("/signin/reset").body()).contains("Choose a new password")
                .as("not signed in: nothing else to open first").doesNotContain("id=\"new-password-first\"");
        Page weak = web.post("/signin/reset", Map.of("newPassword", "short", "confirmPassword", "short"));
        assertThat(weak.status()).isEqualTo(422);
        Page done = web.post("/signin/reset", Map.of("newPassword", NEW_PASSWORD, "confirmPassword", NEW_PASSWORD));
        assertThat(done.location()).isEqualTo("/signin?reset");

        assertThat(elsewhere.get("/settings/security").status()).as("signed out everywhere").isEqualTo(302);
        assertThat(signIn(browser(), ada.email(), PASSWORD).status()).as("the old password no longer works")
                .isEqualTo(401);
        assertThat(signIn(browser(), ada.email(), NEW_PASSWORD).location()).isEqualTo("/settings/security");
        assertThat(browser().get(link).status()).as("used once").isEqualTo(410);
        assertThat(auditTypes(ada.user().id())).contains(dev.gatehouse.audit.AuditEventType.PASSWORD_RESET);
    }

    @Test
    void resetWhenUserHasASecondFactorThenItComesFirstAndCannotBeSkipped() {
        TwoFactorUser ada = twoFactorUser("reset-2fa");
        ask(browser(), ada.email());
        String link = linkPath(ada.email());

        WebSession web = browser();
        // Opening the link changes nothing by itself (a GET must not renew a session): "Continue" does.
        Page opened = web.get(link);
        assertThat(opened.status()).isEqualTo(200);
        assertThat(opened.body()).contains("id=\"continue-reset\"");
        assertThat(web.post(link, Map.of()).location()).isEqualTo("/signin/verify");
        // Straight to the form, or posting it, before the second step: nothing.
        assertThat(web.get("/signin/reset").status()).isEqualTo(410);
        web.get("/signin/verify"); // a page with this session's form token, so only the handler can refuse
        Page early = web.post("/signin/reset", Map.of("newPassword", NEW_PASSWORD, "confirmPassword", NEW_PASSWORD));
        assertThat(early.status()).isEqualTo(410);
        assertThat(signIn(browser(), ada.email(), PASSWORD).location()).as("password unchanged")
                .isEqualTo("/signin/verify");

        // The link again (the attribute was kept), then the code: back to the form, signed in.
        web = browser();
        web.get(link);
        assertThat(web.post(link, Map.of()).location()).isEqualTo("/signin/verify");
        Page verified = code(web, ada, false);
        assertThat(verified.location()).isEqualTo("/signin/reset");
        assertThat(signInDetail(ada.id())).isEqualTo("email link + TOTP");
        assertThat(web.get("/signin/reset").body()).contains("Choose a new password");
        Page done = web.post("/signin/reset", Map.of("newPassword", NEW_PASSWORD, "confirmPassword", NEW_PASSWORD));
        assertThat(done.location()).isEqualTo("/settings/security");
        assertThat(web.follow(done).body()).contains("Your password was reset");

        assertThat(signIn(browser(), ada.email(), NEW_PASSWORD).location()).as("still asks the second factor")
                .isEqualTo("/signin/verify");
    }

    /**
     * The link's page says in one line what comes next, and, to everyone alike, that email codes are never offered
     * there: said only to a user who has them, it told whoever holds the link that the account has them.
     */
    @Test
    void resetLinkWhenOpenedThenWhatComesNextAndTheSameWordsOnEmailCodesWhateverTheUserHas() {
        TwoFactorUser app = twoFactorUser("reset-app-only");
        TwoFactorUser both = twoFactorUser("reset-email-too");
        enroll(both.user(), dev.gatehouse.factor.email.EmailCodeMethod.TYPE);
        List<String> pages = new java.util.ArrayList<>();
        for (TwoFactorUser user : List.of(app, both)) {
            ask(browser(), user.email());
            String page = text(browser().get(linkPath(user.email())));
            assertThat(page).as(user.email()).contains("confirm it's you with your second step",
                    "Email codes are never offered on the way to a new password");
            // Its words and form, without the link's token and the form token, which differ on every page.
            pages.add(page.substring(page.indexOf("<main"), page.indexOf("</main>"))
                    .replaceAll("/signin/reset/[^\"]+", "LINK").replaceAll("value=\"[^\"]*\"", "value"));
        }
        assertThat(pages.get(1)).as("the same page, whichever methods the user has").isEqualTo(pages.get(0));
    }

    /**
     * A reset link and the second factor sign the browser in for one thing, the new password: until it is chosen every
     * other page, a second tab's included, sends back to the form, and nothing is changed there; then the session is a
     * whole sign-in. Before stop 36 it was one at once, so the account could be used without the password changing.
     */
    @Test
    void resetWhenSignedInByTheLinkAndTheFactorThenOnlyTheNewPasswordPageUntilItIsChosen() {
        TwoFactorUser ada = twoFactorUser("reset-only");
        ask(browser(), ada.email());
        String link = linkPath(ada.email());
        WebSession web = browser();
        web.get(link);
        assertThat(web.post(link, Map.of()).location()).isEqualTo("/signin/verify");
        assertThat(code(web, ada, false).location()).isEqualTo("/signin/reset");

        for (String page : List.of("/settings/security", "/settings/activity", "/settings/password",
                "/settings/confirm?next=/settings/security", "/")) {
            assertThat(web.get(page).location()).as(page).isEqualTo("/signin/reset");
        }
        assertThat(web.get("/signin/reset").body()).as("says why, and the way out")
                .contains("id=\"new-password-first\"", "id=\"reset-signout\"") // and this session's form token
                .as("the way out says what it does to a person who never signed in").contains("Stop the reset")
                .as("typing starts at the new password").containsPattern("id=\"newPassword\"[^>]*autofocus")
                .as("no signed-in top bar: every link of it would come back here").doesNotContain("id=\"profile-menu\"");
        assertThat(web.get("/dev/mailbox").body()).as("nor on the pages such a session still reaches")
                .doesNotContain("id=\"profile-menu\"");
        assertThat(web.post("/settings/signout-everywhere", Map.of()).location()).isEqualTo("/signin/reset");
        assertThat(auditTypes(ada.id())).doesNotContain(AuditEventType.SIGN_OUT_EVERYWHERE);

        Page mismatch = web.post("/signin/reset", Map.of("newPassword", NEW_PASSWORD, "confirmPassword", PASSWORD));
        assertThat(mismatch.body()).as("said at the first of the two, focused there")
                .contains("id=\"newPassword-error\"", "Type the new one in both fields again")
                .containsPattern("id=\"newPassword\"[^>]*autofocus").doesNotContain("id=\"confirmPassword-error\"");
        Page done = web.post("/signin/reset", Map.of("newPassword", NEW_PASSWORD, "confirmPassword", NEW_PASSWORD));
        assertThat(done.location()).isEqualTo("/settings/security");
        Page activity = web.get("/settings/activity");
        assertThat(activity.status()).as("a whole sign-in now").isEqualTo(200);
        assertThat(activity.body()).contains("id=\"profile-menu\"");
        assertThat(text(activity)).contains("Password reset link sent");
        String newest = text(activity).substring(0, text(activity).indexOf("Password reset link sent"));
        assertThat(newest).as("the link's sign-in named as what it was, not a bare sign-in before the reset")
                .contains("Password reset", "Reset link and second step accepted").doesNotContain("Signed in");
    }

    /** A browser signed in by a reset link (asked for now) and the second factor, its new password still due. */
    private WebSession signedInByTheLink(TwoFactorUser ada) {
        ask(browser(), ada.email());
        String link = linkPath(ada.email());
        WebSession web = browser();
        web.get(link);
        web.post(link, Map.of());
        assertThat(code(web, ada, false).location()).isEqualTo("/signin/reset");
        return web;
    }

    /** Signing out before the new password is chosen ends the reset, and the link's page then says so among its reasons. */
    @Test
    void resetWhenSignedOutBeforeTheNewPasswordThenTheResetEndsAndItsPageSaysWhy() {
        TwoFactorUser ada = twoFactorUser("reset-signout");
        WebSession web = signedInByTheLink(ada);
        assertThat(web.get("/signin/reset").body()).contains("name=\"stopped\" value=\"reset\"");
        // "Stop the reset" is this sign-out, and the sign-in page says what it did, not "You have signed out".
        Page stopped = web.post("/signout", Map.of("stopped", "reset"));
        assertThat(stopped.location()).isEqualTo("/signin?resetStopped");
        assertThat(text(web.get(stopped.location())))
                .contains("The reset was stopped: your password is the same as before.")
                .doesNotContain("You have signed out");
        Page ended = web.get("/signin/reset");
        assertThat(ended.status()).isEqualTo(410);
        assertThat(text(ended)).contains("This link no longer works", "signing out during a reset ends it too");
        assertThat(signIn(browser(), ada.email(), PASSWORD).location()).as("password unchanged")
                .isEqualTo("/signin/verify");
    }

    /**
     * Signing in with the password in that browser instead (the sign-in form is not shown to a signed-in browser, so
     * posted from the reset page's session) is a whole sign-in: the restriction goes with it.
     */
    @Test
    void resetWhenTheBrowserSignsInWithThePasswordInsteadThenAWholeSignIn() {
        TwoFactorUser ada = twoFactorUser("reset-then-password");
        WebSession web = signedInByTheLink(ada);
        assertThat(web.get("/settings/security").location()).isEqualTo("/signin/reset");

        web.get("/signin/reset");
        assertThat(web.post("/signin", Map.of("email", ada.email(), "password", PASSWORD)).location())
                .isEqualTo("/signin/verify");
        assertThat(code(web, ada, false).location()).isNotEqualTo("/signin/reset");
        assertThat(web.get("/settings/security").status()).isEqualTo(200);
    }

    /**
     * The reset link's second step does not offer "Remember this device", and one posted anyway remembers nothing:
     * the new password forgets every trusted device a minute later (it was offered all the same until stop 36).
     */
    @Test
    void resetWhenTheSecondStepThenNoRememberThisDeviceOfferedOrKept() {
        TwoFactorUser ada = twoFactorUser("reset-remember");
        WebSession signingIn = browser();
        assertThat(signIn(signingIn, ada.email(), PASSWORD).location()).isEqualTo("/signin/verify");
        assertThat(signingIn.get("/signin/verify").body()).as("offered at a sign-in").contains("name=\"remember\"")
                .as("a sign-in's code page is not a reset's").doesNotContain("id=\"for-reset\"");

        ask(browser(), ada.email());
        String link = linkPath(ada.email());
        WebSession web = browser();
        web.get(link);
        web.post(link, Map.of());
        assertThat(web.get("/signin/verify").body()).doesNotContain("name=\"remember\"")
                .as("the code page says it is a reset's step").contains("id=\"for-reset\"", "resetting your password");
        assertThat(text(web.get("/signin/choose"))).as("'Try another way' says where it leads")
                .contains("then choose your new password").doesNotContain("finish signing in")
                .as("and the stuck person's way out is a link, not the password they forgot")
                .contains("Then a reset link alone lets you choose a new password")
                .doesNotContain("your password alone signs you in");
        assertThat(signingIn.get("/signin/choose").body()).contains("finish signing in", "your password alone signs you in");
        assertThat(code(web, ada, true).location()).isEqualTo("/signin/reset");
        assertThat(count("select count(*) from trusted_devices where user_id = ?", ada.id())).isZero();
    }

    /** Found by an outside attack in stop 31: a link asked for before a password change still set the password. */
    @Test
    void resetWhenThePasswordWasChangedAfterTheLinkWasSentThenTheLinkNoLongerWorks() {
        TestUsers.Created ada = users().create("reset-changed");
        ask(browser(), ada.email());
        String link = linkPath(ada.email());
        WebSession web = signedIn(ada.email(), PASSWORD);
        web.get("/settings/confirm?next=/settings/security");
        web.post("/settings/confirm", Map.of("password", PASSWORD, "next", "/settings/security"));
        web.get("/settings/security");
        assertThat(web.post("/settings/password", Map.of("currentPassword", PASSWORD, "newPassword", NEW_PASSWORD,
                "confirmPassword", NEW_PASSWORD)).status()).isEqualTo(302);
        assertThat(browser().get(link).status()).as("the link of before the change").isEqualTo(410);
    }

    /** Found by an outside attack in stop 31: three requests at once left two live links. */
    @Test
    void forgotWhenAskedThreeTimesAtOnceThenOnlyOneLinkWorks() {
        TestUsers.Created ada = users().create("reset-race");
        PasswordResets resets = ctx.getBean(PasswordResets.class);
        Race.run(3, n -> resets.request(ada.email(), new ClientInfo("203.0.113." + (10 + n), "race")));
        assertThat(count("select count(*) from password_resets where user_id = ? and used_at is null",
                ada.user().id())).as("live links").isEqualTo(1);
    }

    @Test
    void resetWhenLinkOlderThanThirtyMinutesOrReplacedThenItNoLongerWorks() {
        TestUsers.Created ada = users().create("reset-late");
        ask(browser(), ada.email());
        String first = linkPath(ada.email());
        ask(browser(), ada.email());
        String second = mail().awaitNth(ada.email(), 2).link("/signin/reset/");
        assertThat(browser().get(first).status()).as("replaced by the newer link").isEqualTo(410);

        clock().advance(Duration.ofMinutes(30));
        assertThat(browser().get(path(second)).status()).isEqualTo(410);
        assertThat(browser().get(path(second)).body()).contains("This link no longer works");
    }
}

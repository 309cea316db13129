package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.gatehouse.testsupport.DevMail;
import dev.gatehouse.testsupport.WebSession;

/**
 * DESIGN.md invariant 10 for this events: each security email arrives once, with the right content, and none
 * carries a code or a key. Read from the dev mailbox (real SMTP delivery is covered by the notify tests).
 */
abstract class SecurityEmailsTests extends TwoFactorFlowSupport {

    @Test
    void invariant10_eachSecurityNoticeArrivesOnceWithTheRightContent() throws InterruptedException {
        TwoFactorUser ada = twoFactorUser("notices");           // browser A (known, silent), the app turned on
        WebSession home = browser();

        // A new browser, remembered: "new sign-in" and "device will skip the code step".
        WebSession laptop = passwordStep(home, ada);
        assertThat(code(laptop, ada, true).location()).isEqualTo("/settings/security");
        // The same browser again (trusted now): nothing new to tell.
        laptop.post("/signout", Map.of());
        assertThat(signIn(laptop, ada.email(), PASSWORD).location()).isEqualTo("/settings/security");

        // A backup code, from a browser that is known but not trusted: "backup code was used", 9 left.
        WebSession office = browser().userAgent(
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0");
        passwordStep(office, ada);
        code(office, ada, false);
        office.post("/signout", Map.of());
        passwordStep(office, ada);
        assertThat(backupCode(office, ada.backupCodes().get(0)).location()).isEqualTo("/settings/security");

        // Six wrong codes: "code entry paused".
        office.post("/signout", Map.of());
        passwordStep(office, ada);
        clock().advance(Duration.ofSeconds(30));   // mid-minute: the pause ends mid-minute too
        WebSession.Page paused = null;
        for (int i = 0; i < 6; i++) {
            paused = office.post("/signin/verify", Map.of("code", ada.app().wrongCode(clock().instant())));
        }
        java.util.regex.Matcher pageSays = java.util.regex.Pattern.compile("after (\\d\\d:\\d\\d)")
                .matcher(paused.body());
        assertThat(pageSays.find()).as("the page says when").isTrue();
        awaitOutboxIdle();
        clock().advance(Duration.ofMinutes(5));

        // New backup codes: "new backup codes were created".
        office.get("/signin/verify");
        assertThat(code(office, ada, false).location()).isEqualTo("/settings/security");
        office.get("/settings/confirm?next=/settings/backup-codes/new");
        office.post("/settings/confirm", Map.of("password", PASSWORD, "next", "/settings/backup-codes/new"));
        office.get("/settings/backup-codes/new");
        assertThat(office.post("/settings/backup-codes/new", Map.of()).location()).isEqualTo("/settings/backup-codes");
        List<String> newCodes = BackupCodesFlowTests.codesIn(office.get("/settings/backup-codes").body());

        // The app removed: "method removed".
        UUID factor = jdbc().sql("select id from second_factors where user_id = ?").param(ada.id())
                .query(UUID.class).single();
        office.get("/settings/two-factor/" + factor + "/remove");
        assertThat(office.post("/settings/two-factor/" + factor + "/remove", Map.of()).location())
                .isEqualTo("/settings/security");

        DevMail.Message on = once(ada, "method added: Authenticator app");
        DevMail.Message newBrowser = once(ada, "new sign-in from Chrome on Linux");
        DevMail.Message device = once(ada, "a device will skip the code step");
        DevMail.Message used = once(ada, "a backup code was used to sign in");
        DevMail.Message locked = once(ada, "code entry paused");
        DevMail.Message regenerated = once(ada, "new backup codes were created");
        DevMail.Message off = once(ada, "method removed: Authenticator app");
        // The office browser was new once too: two "new sign-in" notices in all, one per new browser.
        once(ada, "new sign-in from Firefox on Windows");
        assertThat(mail().to(ada.email())).extracting(DevMail.Message::subject).hasSize(8);

        assertThat(on.text()).contains("A sign-in method was added");
        assertThat(newBrowser.text()).contains("a browser it has not seen before", "Browser: Chrome on Linux",
                "IP address: 127.0.0.1");
        assertThat(device.text()).contains("For 30 days, signing in there asks only for your password",
                "Browser: Chrome on Linux");
        assertThat(used.text()).contains("Browser: Firefox on Windows");
        assertThat(used.text()).contains("You have 9 unused backup codes left.");
        // The email names the same minute as the page (it said the minute before, for a pause ending mid-minute).
        assertThat(locked.text()).contains("about 5 minutes", pageSays.group(1) + " UTC");
        assertThat(regenerated.text()).contains("Your previous backup codes no longer work.");
        assertThat(off.text()).contains("A sign-in method was removed");
        for (DevMail.Message m : mail().to(ada.email())) {
            String all = m.text() + m.html();
            assertThat(all).doesNotContain(ada.app().key());
            ada.backupCodes().forEach(c -> assertThat(all).doesNotContain(c));
            newCodes.forEach(c -> assertThat(all).doesNotContain(c));
        }
    }

    @Test
    void newSignInNoticeWhenBrowserCompletedTheSignUpThenItIsKnownAndOnlyAnotherBrowserIsNew() {
        String email = unique("signup-browser");
        WebSession web = browser();
        web.get("/signup");
        web.post("/signup", Map.of("displayName", "Ada", "email", email, "password", PASSWORD,
                "accountName", "Engines"));
        String link = path(mail().awaitNth(email, 1).link("/signup/confirm/"));
        web.get(link);
        assertThat(web.post(link, Map.of("password", PASSWORD)).location()).startsWith("/settings/security");

        web.get("/settings/security");
        web.post("/signout", Map.of());
        assertThat(signIn(web, email, PASSWORD).location()).isEqualTo("/settings/security");
        signedIn(email, PASSWORD);
        DevMail.Message notice = mail().await(email, "new sign-in from");
        assertThat(notice.text()).contains("sign out everywhere");
        assertThat(mail().to(email)).extracting(DevMail.Message::subject)
                .filteredOn(s -> s.contains("new sign-in")).hasSize(1);
    }

    /** Waits for the message and asserts it is the only one with that subject. */
    private DevMail.Message once(TwoFactorUser user, String subject) {
        DevMail.Message message = mail().await(user.email(), subject);
        assertThat(mail().to(user.email())).extracting(DevMail.Message::subject)
                .filteredOn(s -> s.contains(subject)).as(subject).hasSize(1);
        return message;
    }
}

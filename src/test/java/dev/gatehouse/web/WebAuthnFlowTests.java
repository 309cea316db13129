package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.web.util.HtmlUtils;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.testsupport.DevMail;
import dev.gatehouse.testsupport.SoftAuthenticator;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.testsupport.WebSession;
import dev.gatehouse.testsupport.WebSession.Page;

/**
 * Security keys and devices on the Security tab, through HTTP as the page's script speaks it: adding (name,
 * re-confirmation, the ceremony), renaming, removing, and what bad input gets — a clear page and nothing stored.
 */
abstract class WebAuthnFlowTests extends WebFlowSupport {

    static final String NEW = "/settings/webauthn/new";
    private static final Pattern OPTIONS = Pattern.compile("data-webauthn-options=\"([^\"]*)\"");

    /** A signed-in browser that has re-confirmed with the password (the add page is open). */
    WebSession confirmed(TestUsers.Created user) {
        WebSession web = signedIn(user.email(), PASSWORD);
        assertThat(web.get(NEW).location()).isEqualTo("/settings/confirm?next=" + NEW);
        web.get("/settings/confirm?next=" + NEW);
        assertThat(web.post("/settings/confirm", Map.of("password", PASSWORD, "next", NEW)).location())
                .isEqualTo(NEW);
        return web;
    }

    SoftAuthenticator key() {
        return new SoftAuthenticator("http://localhost:" + port);
    }

    /** The options the page hands its script (the data- attribute, unescaped as the browser reads it). */
    static String options(Page page) {
        Matcher m = OPTIONS.matcher(page.body());
        assertThat(m.find()).as("data-webauthn-options on the page").isTrue();
        return HtmlUtils.htmlUnescape(m.group(1));
    }

    Page add(WebSession web, String name, String credential) {
        Map<String, String> form = new HashMap<>();
        form.put("name", name);
        form.put("credential", credential);
        return web.post(NEW, form);
    }

    long credentials(UUID userId) {
        return count("select count(*) from webauthn_credentials where user_id = ?", userId);
    }

    @Test
    void addWhenNamedAndConfirmedThenStoredEmailedAndFirstBackupCodesShown() {
        TestUsers.Created ada = users().create("ada");
        WebSession web = confirmed(ada);
        Page form = web.get(NEW);
        assertThat(form.status()).isEqualTo(200);
        assertThat(form.body()).contains("data-webauthn=\"create\"", "src=\"/js/webauthn.js\"", "name=\"credential\"",
                "maxlength=\"64\"").doesNotContain("<script>");
        assertThat(form.header("Content-Security-Policy").orElseThrow()).contains("script-src 'self'");
        String options = options(form);
        assertThat(options).contains("\"challenge\"", "\"rp\":{\"name\":\"Gatehouse\",\"id\":\"localhost\"}");

        Page done = add(web, "Blue YubiKey", key().withFormat("packed").register(options));
        assertThat(done.location()).isEqualTo("/settings/backup-codes");
        assertThat(jdbc().sql("""
                select f.label || '|' || c.kind || '|' || c.attestation_format || '|' || c.transports
                from webauthn_credentials c join second_factors f on f.id = c.factor_id where c.user_id = ?""")
                .param(ada.user().id()).query(String.class).single())
                .isEqualTo("Blue YubiKey|SECURITY_KEY|packed|usb");
        assertThat(auditTypes(ada.user().id())).containsSubsequence(AuditEventType.REAUTHENTICATED,
                AuditEventType.FACTOR_ENABLED, AuditEventType.BACKUP_CODES_GENERATED);
        DevMail.Message mail = mail().await(ada.email(), "security key or device was added");
        assertThat(mail.text()).contains("Name: Blue YubiKey");
        // The activity says which method was added, by the name the user gave it.
        assertThat(text(web.get("/settings/security"))).contains("Security key \u201cBlue YubiKey\u201d added");
        // The challenge was used: the same answer again is refused, and nothing more is stored.
        web.get(NEW);
        Page again = add(web, "Again", key().register(options));
        assertThat(again.status()).isEqualTo(422);
        assertThat(credentials(ada.user().id())).isEqualTo(1);
    }

    @Test
    void addWhenASecondKeyThenTwoKeysCountAsTwoMethodsForTheRecommendation() {
        TestUsers.Created ada = users().create("ada");
        WebSession web = confirmed(ada);
        add(web, "Blue YubiKey", key().register(options(web.get(NEW))));
        web.get("/settings/backup-codes");
        web.post("/settings/backup-codes/saved", Map.of("saved", "true"));
        assertThat(text(web.get("/settings/security"))).contains("We recommend setting up at least two methods");

        add(web, "Spare YubiKey", key().register(options(web.get(NEW))));
        assertThat(credentials(ada.user().id())).isEqualTo(2);
        assertThat(text(web.get("/settings/security"))).contains("Blue YubiKey", "Spare YubiKey")
                .doesNotContain("We recommend setting up at least two methods");
    }

    @Test
    void addWhenNameIsMarkupThenStoredAsPlainTextAndEscapedOnPages() {
        TestUsers.Created ada = users().create("ada");
        WebSession web = confirmed(ada);
        String name = "<img src=x onerror=alert(1)> \"Key\"";
        add(web, name, key().asPlatform().register(options(web.get(NEW))));
        String factorId = jdbc().sql("select factor_id from webauthn_credentials where user_id = ?")
                .param(ada.user().id()).query(String.class).single();
        Page rename = web.get("/settings/webauthn/" + factorId + "/rename");
        assertThat(rename.body()).contains("&lt;img src=x onerror=alert(1)&gt;").doesNotContain("<img src=x");
        Page remove = web.get("/settings/webauthn/" + factorId + "/remove");
        assertThat(remove.body()).contains("&lt;img").doesNotContain("<img src=x");
        web.post("/settings/webauthn/" + factorId + "/remove", Map.of());
        DevMail.Message removed = mail().await(ada.email(), "method removed");
        assertThat(removed.html()).as("the name in the email is text too").contains("&lt;img src=x")
                .doesNotContain("<img src=x");
    }

    @Test
    void addWhenNameMissingOrTooLongThenAskedAgainAndNothingStored() {
        TestUsers.Created ada = users().create("ada");
        WebSession web = confirmed(ada);
        SoftAuthenticator key = key();
        Page empty = add(web, "   ", key.register(options(web.get(NEW))));
        assertThat(empty.status()).isEqualTo(422);
        assertThat(text(empty)).contains("Give it a name");
        Page tooLong = add(web, "x".repeat(65), key.register(options(empty)));
        assertThat(tooLong.status()).isEqualTo(422);
        assertThat(text(tooLong)).contains("at most 64 characters");
        assertThat(credentials(ada.user().id())).isZero();
    }

    @Test
    void addWhenBadInputThenClearErrorPageAndNothingStored() {
        TestUsers.Created ada = users().create("ada");
        WebSession web = confirmed(ada);
        SoftAuthenticator key = key();
        String good = key.register(options(web.get(NEW)));

        Page malformed = add(web, "Key", "{\"type\":\"public-key\",");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(text(malformed)).contains("didn't come through complete");

        String truncated = good.replaceFirst("\"clientDataJSON\":\"([A-Za-z0-9_-]{20})[A-Za-z0-9_-]*\"",
                "\"clientDataJSON\":\"$1\"");
        Page cut = add(web, "Key", key.register(options(malformed)).replaceFirst(
                "\"clientDataJSON\":\"([A-Za-z0-9_-]{20})[A-Za-z0-9_-]*\"", "\"clientDataJSON\":\"$1\""));
        assertThat(truncated).isNotEqualTo(good);
        assertThat(cut.status()).isEqualTo(400);

        Page wrongOrigin = add(web, "Key", key().withOrigin("http://localhost.evil.example:" + port)
                .register(options(cut)));
        assertThat(wrongOrigin.status()).isEqualTo(422);
        assertThat(text(wrongOrigin)).contains("could not be verified");

        // A challenge from another session (another browser of the same user).
        WebSession other = confirmed(ada);
        String othersOptions = options(other.get(NEW));
        Page foreign = add(web, "Key", key.register(othersOptions));
        assertThat(foreign.status()).isEqualTo(422);
        assertThat(text(foreign)).contains("could not be verified");

        Page cancelled = web.post(NEW, Map.of("name", "Key", "credential", "", "error", "NotAllowedError"));
        assertThat(text(cancelled)).contains("cancelled or timed out");
        Page noScript = web.post(NEW, Map.of("name", "Key"));
        assertThat(text(noScript)).contains("need JavaScript");
        Page noCeremony = browserWithoutCeremony(ada).post(NEW, Map.of("name", "Key", "credential", good));
        assertThat(text(noCeremony)).contains("took too long");

        for (Page page : List.of(malformed, cut, wrongOrigin, foreign, cancelled, noScript, noCeremony)) {
            assertThat(page.body()).contains("data-webauthn-options", "id=\"webauthn-error\"");
        }
        assertThat(credentials(ada.user().id())).isZero();
        assertThat(count("select count(*) from second_factors where user_id = ?", ada.user().id())).isZero();
    }

    /** A confirmed browser that never opened the add page: nothing waits in its session. */
    private WebSession browserWithoutCeremony(TestUsers.Created user) {
        WebSession web = signedIn(user.email(), PASSWORD);
        web.get("/settings/confirm?next=" + NEW);
        web.post("/settings/confirm", Map.of("password", PASSWORD, "next", NEW));
        web.get("/settings/security");
        return web;
    }

    @Test
    void addWhenCredentialOfAnotherUserThenRefusedAndNothingStored() {
        TestUsers.Created ada = users().create("ada");
        TestUsers.Created mallory = users().create("mallory");
        SoftAuthenticator adasKey = key();
        WebSession web = confirmed(ada);
        add(web, "Ada's key", adasKey.register(options(web.get(NEW))));
        assertThat(credentials(ada.user().id())).isEqualTo(1);

        WebSession theirs = confirmed(mallory);
        Page refused = add(theirs, "Mine", adasKey.register(options(theirs.get(NEW)), adasKey.credentials().get(0)));
        assertThat(refused.status()).isEqualTo(422);
        assertThat(text(refused)).contains("already registered");
        assertThat(credentials(mallory.user().id())).isZero();
    }

    @Test
    void renameAndRemoveWhenOwnKeyThenDoneAuditedAndTheRemovalEmailed() {
        TestUsers.Created ada = users().create("ada");
        WebSession web = confirmed(ada);
        add(web, "Old name", key().register(options(web.get(NEW))));
        web.get("/settings/backup-codes");
        web.post("/settings/backup-codes/saved", Map.of("saved", "true"));
        String factorId = jdbc().sql("select factor_id from webauthn_credentials where user_id = ?")
                .param(ada.user().id()).query(String.class).single();

        web.get("/settings/webauthn/" + factorId + "/rename");
        Page tooLong = web.post("/settings/webauthn/" + factorId + "/rename", Map.of("name", "y".repeat(70)));
        assertThat(tooLong.status()).isEqualTo(422);
        assertThat(web.post("/settings/webauthn/" + factorId + "/rename", Map.of("name", "New name")).location())
                .isEqualTo("/settings/security#webauthn");
        assertThat(jdbc().sql("select label from second_factors where id = ?").param(UUID.fromString(factorId))
                .query(String.class).single()).isEqualTo("New name");

        // Someone else's id leads nowhere.
        WebSession bob = confirmed(users().create("bob"));
        bob.get("/settings/security");
        assertThat(bob.post("/settings/webauthn/" + factorId + "/remove", Map.of()).location())
                .isEqualTo("/settings/security#webauthn");
        assertThat(credentials(ada.user().id())).isEqualTo(1);

        Page confirm = web.get("/settings/webauthn/" + factorId + "/remove");
        assertThat(text(confirm)).contains("Remove \u201cNew name\u201d?", "This is your only method");
        assertThat(web.post("/settings/webauthn/" + factorId + "/remove", Map.of()).location())
                .isEqualTo("/settings/security#webauthn");
        assertThat(credentials(ada.user().id())).isZero();
        assertThat(auditTypes(ada.user().id())).containsSubsequence(AuditEventType.WEBAUTHN_RENAMED,
                AuditEventType.FACTOR_DISABLED);
        DevMail.Message removed = mail().await(ada.email(), "method removed");
        assertThat(removed.text()).as("names the key removed").contains("Security key or device \u201cNew name\u201d");
        assertThat(text(web.get("/settings/activity?kind=methods"))).contains("Security key \u201cNew name\u201d removed",
                "Security key \u201cOld name\u201d added");
    }

    @Test
    void removeWhenReconfirmationOutdatedThenAskedToConfirmFirst() {
        TestUsers.Created ada = users().create("ada");
        WebSession web = confirmed(ada);
        add(web, "Key", key().register(options(web.get(NEW))));
        String factorId = jdbc().sql("select factor_id from webauthn_credentials where user_id = ?")
                .param(ada.user().id()).query(String.class).single();
        clock().advance(java.time.Duration.ofMinutes(16));
        web.get("/settings/security");
        Page removal = web.post("/settings/webauthn/" + factorId + "/remove", Map.of());
        assertThat(removal.location()).isEqualTo("/settings/confirm?next=/settings/webauthn/" + factorId + "/remove");
        assertThat(web.get(NEW).location()).isEqualTo("/settings/confirm?next=" + NEW);
        assertThat(credentials(ada.user().id())).isEqualTo(1);
    }

    // --- sign-in and re-confirmation with a key -------------------------------------------------------------------

    /** A user whose only method is a security key (added through the pages; backup codes saved). */
    record KeyUser(TestUsers.Created user, SoftAuthenticator key) {
        UUID id() {
            return user.user().id();
        }
    }

    KeyUser keyUser(String name) {
        TestUsers.Created user = users().create(name);
        WebSession web = confirmed(user);
        SoftAuthenticator key = key();
        assertThat(add(web, "My key", key.register(options(web.get(NEW)))).location())
                .isEqualTo("/settings/backup-codes");
        web.get("/settings/backup-codes");
        web.post("/settings/backup-codes/saved", Map.of("saved", "true"));
        return new KeyUser(user, key);
    }

    /** A new browser past the password, on the key page; asserts it was sent there. */
    WebSession atKeyStep(KeyUser user) {
        WebSession web = browser();
        assertThat(signIn(web, user.user().email(), PASSWORD).location()).isEqualTo("/signin/verify");
        assertThat(web.get("/signin/verify").location()).isEqualTo("/signin/webauthn");
        return web;
    }

    String signInDetail(UUID userId) {
        return jdbc().sql("select detail from audit_events where user_id = ? and type = 'SIGN_IN' order by id desc")
                .param(userId).query(String.class).list().get(0);
    }

    @Test
    void signInWhenKeyIsThePrimaryMethodThenAskedForItAndSignedIn() {
        KeyUser ada = keyUser("ada");
        WebSession web = atKeyStep(ada);
        Page page = web.get("/signin/webauthn");
        assertThat(page.status()).isEqualTo(200);
        assertThat(text(page)).contains("Use your security key or device", "Try another way",
                "A key or device added in one browser may not work in another");
        assertThat(page.body()).contains("data-webauthn=\"get\"", "name=\"remember\"");
        Page done = web.post("/signin/webauthn", Map.of("credential", ada.key().authenticate(options(page))));
        assertThat(done.location()).isEqualTo("/settings/security");
        Page security = web.get("/settings/security");
        assertThat(security.status()).isEqualTo(200);
        assertThat(text(security)).contains("My key", "Security key", "Last used");
        assertThat(signInDetail(ada.id())).isEqualTo("password + WEBAUTHN");
    }

    @Test
    void signInWhenTryAnotherWayThenTheKeyIsListedWithBackupCodes() {
        KeyUser ada = keyUser("ada");
        WebSession web = atKeyStep(ada);
        Page choose = web.get("/signin/choose");
        assertThat(choose.body()).contains("href=\"/signin/verify?method=WEBAUTHN\"", "href=\"/signin/backup-code\"");
        assertThat(text(choose)).doesNotContain("No way to verify is left");
        assertThat(web.get("/signin/verify?method=WEBAUTHN").location()).isEqualTo("/signin/webauthn");
        // The code page is no way around the key.
        web.get("/signin/webauthn");
        assertThat(web.post("/signin/verify", Map.of("method", "WEBAUTHN", "code", "123456")).location())
                .isEqualTo("/signin/choose");
        assertThat(web.get("/settings/security").location()).isEqualTo("/signin");
    }

    /** While code entry is paused, "Try another way" says the key still works (it takes no code). */
    @Test
    void signInWhenCodeEntryIsPausedThenTryAnotherWaySaysTheKeyStillWorks() {
        KeyUser ada = keyUser("ada");
        WebSession web = atKeyStep(ada);
        web.get("/signin/backup-code");
        for (int i = 0; i < 6; i++) {
            web.post("/signin/backup-code", Map.of("code", "AAAAAAA-AAAAAAA"));
        }
        assertThat(text(web.get("/signin/choose"))).contains("Code entry is paused",
                "Security key or device: not paused, you can use it now.");
        assertThat(auditTypes(ada.id())).contains(AuditEventType.CODE_ENTRY_LOCKED);
    }

    @Test
    void signInWhenAnotherUsersKeyAnswersThenRefused() {
        KeyUser ada = keyUser("ada");
        KeyUser bob = keyUser("bob");
        WebSession web = atKeyStep(bob);
        String bobsOptions = options(web.get("/signin/webauthn"));
        Page refused = web.post("/signin/webauthn", Map.of("credential",
                ada.key().authenticate(bobsOptions, ada.key().credentials().get(0))));
        assertThat(refused.status()).isEqualTo(401);
        assertThat(text(refused)).contains("isn't registered to your account");
        assertThat(web.get("/settings/security").location()).isEqualTo("/signin");
        assertThat(auditTypes(bob.id())).endsWith(AuditEventType.SECOND_FACTOR_FAILED);
    }

    @Test
    void signInWhenCounterGoesBackwardsThenRefusedMarkedAndEmailed() {
        KeyUser ada = keyUser("ada");
        WebSession first = atKeyStep(ada);
        assertThat(first.post("/signin/webauthn", Map.of("credential",
                ada.key().authenticate(options(first.get("/signin/webauthn"))))).location())
                .isEqualTo("/settings/security");
        // A copy of the key signs with the counter the original had before.
        WebSession copy = atKeyStep(ada);
        Page refused = copy.post("/signin/webauthn", Map.of("credential",
                ada.key().withCounter(1L).authenticate(options(copy.get("/signin/webauthn")))));
        assertThat(refused.status()).isEqualTo(401);
        assertThat(text(refused)).contains("now blocked");
        assertThat(auditTypes(ada.id())).endsWith(AuditEventType.WEBAUTHN_POSSIBLY_CLONED);
        mail().await(ada.user().email(), "may have been copied");
        assertThat(text(first.get("/settings/security"))).contains("Blocked: may have been copied");
    }

    @Test
    void signInWhenCancelledOrMalformedThenThePageAgainWithANewChallenge() {
        KeyUser ada = keyUser("ada");
        WebSession web = atKeyStep(ada);
        String options = options(web.get("/signin/webauthn"));
        Page cancelled = web.post("/signin/webauthn", Map.of("credential", "", "error", "NotAllowedError"));
        assertThat(text(cancelled)).contains("cancelled or timed out", "Try another way");
        assertThat(options(cancelled)).isNotEqualTo(options);
        Page malformed = web.post("/signin/webauthn", Map.of("credential", "{\"id\":"));
        assertThat(malformed.status()).isEqualTo(400);
        // The first challenge was used up by the cancelled attempt.
        Page stale = web.post("/signin/webauthn", Map.of("credential", ada.key().authenticate(options)));
        assertThat(stale.status()).isEqualTo(401);
        assertThat(web.post("/signin/webauthn", Map.of("credential", ada.key().authenticate(options(stale))))
                .location()).isEqualTo("/settings/security");
    }

    @Test
    void signInPageWhenNoPendingSignInThenBackToTheStart() {
        WebSession web = browser();
        assertThat(web.get("/signin/webauthn").location()).isEqualTo("/signin?expired");
        web.get("/signin");
        assertThat(web.post("/signin/webauthn", Map.of("credential", "{}")).location()).isEqualTo("/signin?expired");
    }

    /** The code form never answers the key the page offered: a mistyped code is a wrong code, the key still works. */
    @Test
    void reconfirmWhenOnlyAKeyAndACodeTypedOnTheCodeFormThenAWrongCodeAndTheKeyCeremonyStillWorks() {
        KeyUser ada = keyUser("ada-codeform");
        WebSession web = atKeyStep(ada);
        web.post("/signin/webauthn", Map.of("credential", ada.key().authenticate(options(web.get("/signin/webauthn")))));
        clock().advance(java.time.Duration.ofMinutes(16));
        String options = options(web.get("/settings/confirm?next=" + NEW));
        web.get("/settings/confirm?with=code&method=WEBAUTHN&next=" + NEW);

        Page typed = web.post("/settings/confirm", Map.of("password", PASSWORD, "code", "123456", "next", NEW));
        assertThat(typed.status()).isEqualTo(401);
        assertThat(text(typed)).contains("didn");

        Page key = web.post("/settings/confirm/webauthn", Map.of("password", PASSWORD, "next", NEW,
                "credential", ada.key().authenticate(options)));
        assertThat(key.location()).isEqualTo(NEW);
    }

    @Test
    void reconfirmWhenOnlyAKeyThenTheKeyIsAskedAndAPasswordAloneIsNotEnough() {
        KeyUser ada = keyUser("ada");
        WebSession web = atKeyStep(ada);
        web.post("/signin/webauthn", Map.of("credential", ada.key().authenticate(options(web.get("/signin/webauthn")))));
        clock().advance(java.time.Duration.ofMinutes(16));
        assertThat(web.get(NEW).location()).isEqualTo("/settings/confirm?next=" + NEW);
        Page confirm = web.get("/settings/confirm?next=" + NEW);
        assertThat(text(confirm)).contains("then use your security key or device", "Use a code instead");
        assertThat(confirm.body()).contains("action=\"/settings/confirm/webauthn\"", "data-webauthn=\"get\"");
        String options = options(confirm);

        // The code form with the password alone (no code method, no code typed) does not pass.
        Page passwordOnly = web.post("/settings/confirm", Map.of("password", PASSWORD, "code", "", "next", NEW));
        assertThat(passwordOnly.status()).isNotEqualTo(302);
        assertThat(web.get(NEW).location()).startsWith("/settings/confirm");

        confirm = web.get("/settings/confirm?next=" + NEW);
        Page wrongPassword = web.post("/settings/confirm/webauthn", Map.of("password", "wrong", "next", NEW,
                "credential", ada.key().authenticate(options(confirm))));
        assertThat(wrongPassword.status()).isEqualTo(401);
        Page ok = web.post("/settings/confirm/webauthn", Map.of("password", PASSWORD, "next", NEW,
                "credential", ada.key().authenticate(options(wrongPassword))));
        assertThat(ok.location()).isEqualTo(NEW);
        assertThat(web.get(NEW).status()).isEqualTo(200);
        assertThat(options).isNotEqualTo(options(wrongPassword));
        assertThat(auditTypes(ada.id())).endsWith(AuditEventType.REAUTHENTICATED);
    }
}

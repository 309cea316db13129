package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.testsupport.WebSession;
import dev.gatehouse.testsupport.WebSession.Page;

/**
 * Issue 15: the Security tab tells sessions and trusted devices apart. Each signed-in session is listed (browser,
 * signed in, last active, network, "This session") with "Sign out" for the others; a session is named in the page by
 * a handle looked up among the user's own sessions only, never by its id. Run on H2 and on PostgreSQL.
 */
abstract class SessionsFlowTests extends TwoFactorFlowSupport {

    static final String FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0";
    private static final Pattern HANDLE = Pattern.compile("name=\"session\" value=\"([^\"]+)\"");
    private static final Pattern SESSION_ROW = Pattern.compile("<tr id=\"session-\\d+\">(.*?)</tr>", Pattern.DOTALL);

    static List<String> handles(Page page) {
        List<String> handles = new ArrayList<>();
        Matcher m = HANDLE.matcher(page.body());
        while (m.find()) {
            handles.add(m.group(1));
        }
        return handles;
    }

    static List<String> sessionRows(Page page) {
        List<String> rows = new ArrayList<>();
        Matcher m = SESSION_ROW.matcher(page.body());
        while (m.find()) {
            rows.add(m.group(1));
        }
        return rows;
    }

    private List<String> sessionIds(TestUsers.Created user) {
        return jdbc().sql("select session_id from spring_session where principal_name = ?")
                .param(user.user().id().toString()).query(String.class).list();
    }

    @Test
    void sessionsWhenSignedInInTwoBrowsersThenEachListsBothMarksItsOwnAndShowsNoSessionId() {
        TestUsers.Created ada = users().create("sessions-two");
        WebSession chrome = signedIn(ada.email(), PASSWORD);
        // The server's clock runs ahead of the request times Spring Session stamps (as a sign-in stamps after them).
        clock().advance(java.time.Duration.ofMinutes(1));
        WebSession firefox = browser().userAgent(FIREFOX);
        assertThat(signIn(firefox, ada.email(), PASSWORD).location()).isEqualTo("/settings/security");

        Page page = chrome.get("/settings/security");
        List<String> rows = sessionRows(page);
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).as("this session first").contains("Chrome on Linux", "This session", "Now",
                "This network").doesNotContain("name=\"session\"");
        assertThat(rows.get(1)).contains("Firefox on Windows", "This network", "Sign out")
                .doesNotContain("This session")
                .as("last active said as a person says it, the date and time beside it (Messages#ago)")
                .containsPattern("<time datetime=\"[^\"]+\" title=\"\\d{1,2} \\w{3} \\d{4}, \\d{2}:\\d{2} [A-Z]+\">");
        Matcher times = Pattern.compile("datetime=\"([^\"]+)\"").matcher(rows.get(1));
        assertThat(times.find()).isTrue();
        java.time.Instant signedInAt = java.time.Instant.parse(times.group(1));
        assertThat(times.find()).isTrue();
        assertThat(java.time.Instant.parse(times.group(1))).as("last active, never before the sign-in")
                .isAfterOrEqualTo(signedInAt);
        assertThat(text(page)).contains("Sign out everywhere");
        assertThat(handles(page)).hasSize(1).allMatch(h -> h.matches("[A-Za-z0-9_-]{43}"));
        // Neither session's id, nor the cookie that carries it, is anywhere in the page.
        List<String> secrets = new ArrayList<>(sessionIds(ada));
        secrets.add(chrome.cookie("GATEHOUSE_SESSION"));
        secrets.add(firefox.cookie("GATEHOUSE_SESSION"));
        assertThat(secrets).hasSize(4).allSatisfy(secret -> assertThat(page.body()).doesNotContain(secret));

        List<String> fromFirefox = sessionRows(firefox.get("/settings/security"));
        assertThat(fromFirefox.get(0)).contains("Firefox on Windows", "This session");
        assertThat(fromFirefox.get(1)).contains("Chrome on Linux").doesNotContain("This session");
    }

    @Test
    void signOutSessionWhenOneOfTheUsersOthersThenItEndsAtItsNextRequestAndIsAudited() {
        TestUsers.Created ada = users().create("sessions-end");
        WebSession other = browser().userAgent(FIREFOX);
        assertThat(signIn(other, ada.email(), PASSWORD).location()).isEqualTo("/settings/security");
        WebSession web = signedIn(ada.email(), PASSWORD);
        String handle = handles(web.get("/settings/security")).get(0);

        Page answer = web.post("/settings/sessions/sign-out", Map.of("session", handle));
        assertThat(answer.status()).isEqualTo(302);
        assertThat(answer.location()).isEqualTo("/settings/security#sessions");
        Page after = web.follow(answer);
        assertThat(text(after)).contains("That session is signed out");
        assertThat(sessionRows(after)).hasSize(1).allMatch(row -> row.contains("This session"));

        assertThat(other.get("/settings/security").location()).isEqualTo("/signin");
        assertThat(web.get("/settings/security").status()).as("this session goes on").isEqualTo(200);
        assertThat(auditTypes(ada.user().id())).containsExactly(AuditEventType.SIGN_IN, AuditEventType.SIGN_IN,
                AuditEventType.SESSION_SIGNED_OUT);
        assertThat(jdbc().sql("select detail from audit_events where user_id = ? and type = 'SESSION_SIGNED_OUT'")
                .param(ada.user().id()).query(String.class).single()).startsWith("Firefox on Windows from ")
                .endsWith("/24");
        assertThat(text(web.get("/settings/security"))).contains("Signed out another session");

        // Posted again (a second click): that session is gone, so there is nothing to end.
        assertThat(web.post("/settings/sessions/sign-out", Map.of("session", handle)).status()).isEqualTo(404);
    }

    @Test
    void signOutSessionWhenAnotherUsersOrItsOwnOrAMadeUpHandleThenNotFoundAndNothingEnds() {
        TestUsers.Created ada = users().create("sessions-victim");
        TestUsers.Created eve = users().create("sessions-attacker");
        WebSession adaHome = signedIn(ada.email(), PASSWORD);
        WebSession adaWork = signedIn(ada.email(), PASSWORD);
        String homeHandle = handles(adaWork.get("/settings/security")).get(0);
        WebSession eveWeb = signedIn(eve.email(), PASSWORD);
        eveWeb.get("/settings/security");

        // Eve posts Ada's handle (as if she had seen it): not found among Eve's sessions, and Ada stays signed in.
        Page stolen = eveWeb.post("/settings/sessions/sign-out", Map.of("session", homeHandle));
        assertThat(stolen.status()).isEqualTo(404);
        assertThat(text(stolen)).contains("Page not found");
        // The handle of Ada's own session, posted by that session: "sign out" is the way, this ends nothing.
        adaHome.get("/settings/security");
        assertThat(adaHome.post("/settings/sessions/sign-out", Map.of("session", homeHandle)).status())
                .isEqualTo(404);
        for (String madeUp : List.of("", "x", "A".repeat(43), "../../settings", sessionIds(ada).get(0))) {
            assertThat(eveWeb.post("/settings/sessions/sign-out", Map.of("session", madeUp)).status()).as(madeUp)
                    .isEqualTo(404);
            assertThat(adaWork.post("/settings/sessions/sign-out", Map.of("session", madeUp)).status()).as(madeUp)
                    .isEqualTo(404);
        }
        assertThat(eveWeb.post("/settings/sessions/sign-out", Map.of()).status()).isEqualTo(404);

        assertThat(adaHome.get("/settings/security").status()).isEqualTo(200);
        assertThat(adaWork.get("/settings/security").status()).isEqualTo(200);
        assertThat(eveWeb.get("/settings/security").status()).isEqualTo(200);
        assertThat(sessionIds(ada)).hasSize(2);
        assertThat(auditTypes(ada.user().id())).doesNotContain(AuditEventType.SESSION_SIGNED_OUT);
        assertThat(auditTypes(eve.user().id())).doesNotContain(AuditEventType.SESSION_SIGNED_OUT);
        // Without the form token nothing is even looked at.
        assertThat(eveWeb.postRaw("/settings/sessions/sign-out", Map.of("session", homeHandle)).status())
                .isEqualTo(403);
    }

    @Test
    void sessionsWhenASignInWaitsForItsSecondStepOrASessionPredatesTheListThenListedAsTheyAre() {
        TwoFactorUser bob = twoFactorUser("sessions-pending");
        WebSession signedIn = passwordStep(bob);
        assertThat(code(signedIn, bob, false).location()).isEqualTo("/settings/security");
        passwordStep(browser().userAgent(FIREFOX), bob); // knows the password, not the code

        List<String> rows = sessionRows(signedIn.get("/settings/security"));
        // The session that turned the app on, and this one; the one waiting for a code is not signed in.
        assertThat(rows).hasSize(2).noneMatch(row -> row.contains("Firefox"));

        // A session signed in before sessions were recorded: listed, without a browser or a "Sign out" of its own.
        jdbc().sql("""
                delete from spring_session_attributes where attribute_name = 'gatehouse.sessionInfo'
                and session_primary_id in (select primary_id from spring_session where principal_name = ?
                                           and session_id <> ?)""")
                .params(bob.id().toString(), sessionIdOf(signedIn)).update();
        Page page = signedIn.get("/settings/security");
        assertThat(sessionRows(page)).hasSize(2);
        assertThat(sessionRows(page).get(1)).contains("Browser not recorded", "Not recorded")
                .doesNotContain("name=\"session\"");
        assertThat(handles(page)).isEmpty();
    }

    @Test
    void sessionsWhenAnotherSessionNoLongerReadsThenThePageStillShowsAndSignOutEverywhereEndsIt() {
        TestUsers.Created ada = users().create("sessions-unreadable");
        WebSession old = signedIn(ada.email(), PASSWORD);
        WebSession web = signedIn(ada.email(), PASSWORD);
        // What an older version stored and this one cannot deserialise any more.
        jdbc().sql("""
                update spring_session_attributes set attribute_bytes = ?
                where attribute_name = 'gatehouse.sessionInfo' and session_primary_id in
                      (select primary_id from spring_session where principal_name = ? and session_id <> ?)""")
                .params(new byte[] {(byte) 0xac, (byte) 0xed, 0, 5, 1}, ada.user().id().toString(), sessionIdOf(web))
                .update();

        Page page = web.get("/settings/security");
        assertThat(page.status()).isEqualTo(200);
        assertThat(sessionRows(page)).hasSize(1).allMatch(row -> row.contains("This session"));
        web.post("/settings/signout-everywhere", Map.of());
        assertThat(sessionIds(ada)).isEmpty();
        assertThat(old.get("/settings/security").location()).isEqualTo("/signin");
    }

    @Test
    void trustedDevicesWhenTwoBrowsersReadAlikeThenThisBrowserIsMarked() {
        TwoFactorUser carol = twoFactorUser("devices-alike");
        WebSession first = passwordStep(carol);
        assertThat(code(first, carol, true).location()).isEqualTo("/settings/security");
        WebSession second = passwordStep(carol);
        assertThat(code(second, carol, true).location()).isEqualTo("/settings/security");

        Page fromFirst = first.get("/settings/security");
        String devices = fromFirst.body().substring(fromFirst.body().indexOf("id=\"trusted-devices-list\""),
                fromFirst.body().indexOf("id=\"sessions\""));
        assertThat(devices.split("<tr id=\"device-")).hasSize(3);
        assertThat(devices).contains("Added", "Last used", "Network", "This network");
        assertThat(devices.split("This browser", -1)).as("one device marked").hasSize(2);
        // Most recently used first: the second browser's device; the first browser's own is the other row.
        assertThat(devices.substring(devices.indexOf("<tr id=\"device-1\""))).contains("This browser");
        Page fromSecond = second.get("/settings/security");
        String theirs = fromSecond.body().substring(fromSecond.body().indexOf("<tr id=\"device-0\""),
                fromSecond.body().indexOf("<tr id=\"device-1\""));
        assertThat(theirs).contains("This browser");
    }

    /** The session id the browser's cookie carries (Spring Session writes it base64-encoded by default). */
    private static String sessionIdOf(WebSession web) {
        String cookie = web.cookie("GATEHOUSE_SESSION");
        try {
            String decoded = new String(java.util.Base64.getDecoder().decode(cookie),
                    java.nio.charset.StandardCharsets.UTF_8);
            return decoded.matches("[0-9a-f-]{36}") ? decoded : cookie;
        } catch (IllegalArgumentException notBase64) {
            return cookie;
        }
    }
}

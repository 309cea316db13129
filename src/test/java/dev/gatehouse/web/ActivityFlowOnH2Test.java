package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.gatehouse.audit.AuditEvent;
import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.testsupport.H2Test;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.testsupport.WebSession;
import dev.gatehouse.testsupport.WebSession.Page;

/**
 * The activity pages over HTTP: the user's own (paged, filtered, the Security page's last ten), the account's for its
 * owners and admins, and what an attacker gets from them: another account's activity, a member id from elsewhere, a
 * member of the account asking, a changed paging link.
 */
@H2Test
class ActivityFlowOnH2Test extends TwoFactorFlowSupport {

    private static final ClientInfo CLIENT = new ClientInfo("198.51.100.7", "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0");
    private static final Pattern ROW = Pattern.compile("<tr>\\s*<td class=\"nowrap when\"><time");

    private AuditLog audit() {
        return ctx.getBean(AuditLog.class);
    }

    private void join(UUID accountId, UUID userId, String role) {
        jdbc().sql("insert into memberships (account_id, user_id, role, created_at) values (?, ?, ?, ?)")
                .params(accountId, userId, role, Timestamp.from(clock().instant())).update();
    }

    private static int rows(Page page) {
        Matcher m = ROW.matcher(page.body());
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static String tbody(Page page) {
        return page.body().substring(page.body().indexOf("<tbody>"), page.body().indexOf("</tbody>"));
    }

    private static String link(Page page, String id) {
        Matcher m = Pattern.compile("href=\"([^\"]*)\" id=\"" + id + "\"").matcher(page.body());
        return m.find() ? m.group(1).replace("&amp;", "&") : null;
    }

    @Test
    void ownActivityWhenMoreThanAPageThenTwentyFiveAPageWithOlderAndNewerLinksAndTheSecurityPageShowsTen() {
        TestUsers.Created ada = users().create("activity-own");
        TestUsers.Created bob = users().create("activity-bob");
        WebSession web = signedIn(ada.email(), PASSWORD);
        for (int i = 0; i < 30; i++) {
            clock().advance(Duration.ofSeconds(1));
            // Each its own detail: like events in a row are one row of the Security page (ActivityRow).
            audit().record(AuditEventType.TRUSTED_DEVICE_ADDED, ada.user().id(), null, CLIENT, "Firefox on Linux " + i);
            audit().record(AuditEventType.PASSWORD_CHANGED, bob.user().id(), null, CLIENT, null);
        }
        audit().record(AuditEventType.FACTOR_ENABLED, ada.user().id(), null, CLIENT, AuditEvent.methodDetail("TOTP", null));

        Page security = web.get("/settings/security");
        assertThat(rows(security)).as("the Security page keeps to the last ten").isEqualTo(10);
        assertThat(security.body()).contains("href=\"/settings/activity\" id=\"all-activity\"", "See all activity");
        assertThat(text(security)).contains("Authenticator app added").doesNotContain("Two-step method added");

        Page first = web.get("/settings/activity");
        assertThat(first.status()).isEqualTo(200);
        assertThat(rows(first)).isEqualTo(25);
        assertThat(link(first, "newer")).isNull();
        assertThat(text(first)).doesNotContain("Password changed"); // Bob's
        Page second = web.get(link(first, "older"));
        assertThat(rows(second)).as("30 devices, a method and the sign-in: 32 events").isEqualTo(7);
        assertThat(link(second, "older")).isNull();
        assertThat(tbody(web.get(link(second, "newer")))).isEqualTo(tbody(first));

        // Filtered: the links keep the filter.
        Page methods = web.get("/settings/activity?kind=methods");
        assertThat(rows(methods)).isEqualTo(1);
        assertThat(text(methods)).contains("Authenticator app added").containsPattern("value=\"methods\"\\s+selected");
        Page devices = web.get("/settings/activity?kind=devices");
        assertThat(link(devices, "older")).startsWith("/settings/activity?kind=devices&older=");
        assertThat(rows(web.get(link(devices, "older")))).isEqualTo(5);

        // Changed links and unknown kinds show the user's own newest events, nothing else and no error.
        for (String tampered : new String[] {"?older=1.1", "?newer=abc", "?older=9223372036854775807.1",
                "?kind=system", "?kind=%27%3B--", "?newer=0.0"}) {
            Page page = web.get("/settings/activity" + tampered);
            assertThat(page.status()).as(tampered).isEqualTo(200);
            assertThat(text(page)).as(tampered).doesNotContain("Password changed");
        }
        assertThat(browser().get("/settings/activity").location()).as("signed out").endsWith("/signin");
    }

    @Test
    void reconfirmWhenPasswordWrongThenItsOwnEventAndWordsNotAFailedSignIn() {
        TestUsers.Created ada = users().create("activity-reconfirm");
        WebSession web = signedIn(ada.email(), PASSWORD);
        web.get("/settings/confirm?next=/settings/security");
        Page wrong = web.post("/settings/confirm", Map.of("password", "not my password", "next", "/settings/security"));
        assertThat(wrong.status()).isEqualTo(401);

        assertThat(auditTypes(ada.user().id())).containsExactly(AuditEventType.SIGN_IN,
                AuditEventType.RECONFIRM_PASSWORD_WRONG);
        assertThat(text(web.get("/settings/activity?kind=sign-ins"))).contains("Wrong password at Confirm it's you")
                .doesNotContain("Failed sign-in");
    }

    @Test
    void accountActivityWhenNotAnAdminOfThatAccountThenNotFoundOrAdminsOnlyAndNothingShown() {
        TestUsers.Created owner = users().create("activity-victim");
        TestUsers.Created member = users().create("activity-member");
        TestUsers.Created otherAdmin = users().create("activity-attacker");
        join(owner.accountId(), member.user().id(), "MEMBER");
        audit().record(AuditEventType.ACCOUNT_RULES_CHANGED, owner.user().id(), owner.accountId(), CLIENT,
                "grace period: 7 days");
        String page = "/accounts/" + owner.accountId() + "/activity";

        Page asStranger = signedIn(otherAdmin.email(), PASSWORD).get(page);
        assertThat(asStranger.status()).isEqualTo(404);
        assertThat(asStranger.body()).doesNotContain("grace period", "activity-victim Ltd");
        Page asMember = signedIn(member.email(), PASSWORD).get(page + "?member=" + owner.user().id());
        assertThat(asMember.status()).isEqualTo(403);
        assertThat(text(asMember)).contains("The settings of activity-victim Ltd are for its owners and admins")
                .doesNotContain("grace period");
        assertThat(browser().get(page).location()).as("signed out").endsWith("/signin");

        // The owner sees it; a member id from elsewhere (the attacker's) or not an id at all is a 404.
        WebSession ownerWeb = signedIn(owner.email(), PASSWORD);
        Page asOwner = ownerWeb.get(page);
        assertThat(asOwner.status()).isEqualTo(200);
        assertThat(text(asOwner)).contains("Account sign-in rules changed", "grace period: 7 days");
        assertThat(ownerWeb.get(page + "?member=" + otherAdmin.user().id()).status()).isEqualTo(404);
        assertThat(ownerWeb.get(page + "?member=not-an-id").status()).isEqualTo(404);
        assertThat(ownerWeb.get("/accounts/" + otherAdmin.accountId() + "/activity").status()).isEqualTo(404);
        assertThat(ownerWeb.get(page + "?member=" + member.user().id()).status()).isEqualTo(200);
    }

    @Test
    void accountActivityWhenMemberAlsoInAnotherAccountThenOnlyWhatBelongsHereAndTheirOwnSecurityEvents() {
        TestUsers.Created a = users().create("activity-a");
        TestUsers.Created b = users().create("activity-b");
        TwoFactorUser both = twoFactorUser("activity-both"); // the app turned on before joining A or B
        join(b.accountId(), both.id(), "MEMBER");
        join(a.accountId(), both.id(), "ADMIN");
        clock().advance(Duration.ofSeconds(1));
        audit().record(AuditEventType.ACCOUNT_RULES_CHANGED, b.user().id(), b.accountId(), CLIENT,
                "allowed methods: SMS");
        audit().record(AuditEventType.INVITATION_SENT, both.id(), b.accountId(), CLIENT, "MEMBER");
        audit().record(AuditEventType.CODE_ENTRY_LOCKED, both.id(), null, CLIENT, null);
        audit().record(AuditEventType.FACTOR_DISABLED, both.id(), null, CLIENT,
                AuditEvent.methodDetail("WEBAUTHN", "Desk key"));
        audit().record(AuditEventType.INVITATION_SENT, both.id(), a.accountId(), CLIENT, "ADMIN");

        WebSession web = signedIn(a.email(), PASSWORD);
        String body = text(web.get("/accounts/" + a.accountId() + "/activity"));
        assertThat(body).contains("Security key \u201cDesk key\u201d removed", "Code entry paused after too many wrong codes",
                "Invitation sent", "as Admin", both.email())
                .doesNotContain("allowed methods", "as Member", "Authenticator app added", "Signed in");
        // In B's own activity, the change is in the words of the rules page (noticed by a new user).
        assertThat(text(signedIn(b.email(), PASSWORD).get("/accounts/" + b.accountId() + "/activity")))
                .contains("allowed methods: Text message codes").doesNotContain("allowed methods: SMS");
        String locked = text(web.get("/accounts/" + a.accountId() + "/activity?kind=lockouts&member=" + both.id()));
        assertThat(locked).contains("Code entry paused").doesNotContain("Desk key", "Invitation sent");
        assertThat(locked).as("the filters stay chosen").containsPattern("value=\"lockouts\"\\s+selected")
                .containsPattern("value=\"" + both.id() + "\"\\s+selected");
        assertThat(text(web.get("/accounts/" + a.accountId() + "/settings"))).contains("id=\"activity-tab\"");
    }
}

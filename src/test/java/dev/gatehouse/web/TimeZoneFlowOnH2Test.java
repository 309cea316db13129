package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.testsupport.H2Test;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.testsupport.WebSession;
import dev.gatehouse.testsupport.WebSession.Page;

/**
 * The user's time zone over HTTP: taken from the browser at sign-in only when the user has none, chosen on User
 * details, used on pages and in emails; and what an attacker sends in its place changes nothing.
 */
@H2Test
class TimeZoneFlowOnH2Test extends WebFlowSupport {

    private static final String DETAILS = "/settings/details";

    private String zoneOf(UUID userId) {
        return jdbc().sql("select time_zone from users where id = ?").param(userId).query(String.class).optional().orElse(null);
    }

    private static Page signIn(WebSession web, String email, String password, String timeZone) {
        web.get("/signin");
        return web.post("/signin", Map.of("email", email, "password", password, "timeZone", timeZone));
    }

    @Test
    void signInWhenBrowserReportsZoneThenItIsKeptAndPagesAndEmailsUseIt() {
        TestUsers.Created ada = users().create("tz-browser");
        WebSession web = browser();

        assertThat(signIn(web, ada.email(), ada.password(), "Asia/Kolkata").location()).isEqualTo("/settings/security");

        assertThat(zoneOf(ada.user().id())).isEqualTo("Asia/Kolkata");
        String activity = text(web.get("/settings/activity"));
        assertThat(activity).contains("Times are in your time zone, Kolkata (UTC+05:30): change it on User details.").containsPattern(
                "\\d{1,2} \\w{3} \\d{4}, \\d{2}:\\d{2} IST").doesNotContain("When (UTC)");
        assertThat(text(web.get("/settings/security"))).containsPattern("\\d{2}:\\d{2} IST");
        assertThat(text(web.get(DETAILS))).contains("shown in Kolkata (UTC+05:30)").doesNotContain("shown in Asia/Kolkata")
                .containsPattern("<option value=\"Asia/Kolkata\" selected=\"selected\">Kolkata \\(UTC\\+05:30\\)");

        web.get("/settings/confirm?next=" + DETAILS);
        web.post("/settings/confirm", Map.of("password", ada.password(), "next", DETAILS));
        assertThat(web.post(DETAILS + "/email", Map.of("email", unique("tz-new"))).location()).isEqualTo(DETAILS);
        assertThat(mail().await(ada.email(), "change").text()).as("the email states the zone")
                .containsPattern("\\d{2}:\\d{2} IST \\(Asia/Kolkata\\)");
    }

    @Test
    void signInWhenUserAlreadyHasAZoneThenTheBrowserDoesNotChangeIt() {
        TestUsers.Created ada = users().create("tz-kept");
        jdbc().sql("update users set time_zone = 'Europe/Paris' where id = ?").param(ada.user().id()).update();

        assertThat(signIn(browser(), ada.email(), ada.password(), "Asia/Tokyo").status()).isEqualTo(302);

        assertThat(zoneOf(ada.user().id())).isEqualTo("Europe/Paris");
    }

    @Test
    void signInWhenTimeZoneIsTamperedThenNothingIsStoredAndSignInWorks() {
        TestUsers.Created ada = users().create("tz-garbage");
        for (String tampered : List.of("Mars/Olympus_Mons", "'; update users set time_zone = 'x'; --",
                "Europe/London".repeat(500), "+05:30", "../../etc/passwd", "<script>alert(1)</script>")) {
            WebSession web = browser();
            Page page = signIn(web, ada.email(), ada.password(), tampered);
            assertThat(page.location()).as(tampered.substring(0, Math.min(40, tampered.length())))
                    .isEqualTo("/settings/security");
            assertThat(text(web.get("/settings/activity"))).contains("Times are in your time zone, UTC");
        }
        assertThat(zoneOf(ada.user().id())).isNull();
    }

    @Test
    void detailsWhenZoneChosenThenSavedNotAuditedAndAnUnlistedOneRefused() {
        TestUsers.Created ada = users().create("tz-choose");
        WebSession web = signedIn(ada.email(), ada.password());
        assertThat(text(web.get(DETAILS))).contains("shown in UTC");
        List<AuditEventType> before = auditTypes(ada.user().id());

        Page saved = web.post(DETAILS + "/time-zone", Map.of("timeZone", "America/St_Johns"));

        assertThat(saved.location()).isEqualTo(DETAILS);
        assertThat(zoneOf(ada.user().id())).isEqualTo("America/St_Johns");
        Page shown = web.get(DETAILS);
        assertThat(text(shown)).containsPattern("Your time zone was saved: times are now shown in St Johns \\(UTC-0[23]:30\\)\\.");
        // The list by region, each zone its place alone, the saved one chosen.
        assertThat(shown.body()).contains("<optgroup label=\"America\">", "<optgroup label=\"Europe\">")
                .containsPattern("<option value=\"America/St_Johns\" selected=\"selected\">St Johns \\(UTC-0[23]:30\\)</option>")
                .containsPattern("<option value=\"UTC\">UTC</option>");
        assertThat(auditTypes(ada.user().id())).isEqualTo(before);

        Page refused = web.post(DETAILS + "/time-zone", Map.of("timeZone", "Mars/Olympus_Mons"));
        assertThat(refused.status()).isEqualTo(422);
        assertThat(text(refused)).contains("Choose a time zone from the list.").doesNotContain("Olympus");
        assertThat(zoneOf(ada.user().id())).isEqualTo("America/St_Johns");

        assertThat(browser().post(DETAILS + "/time-zone", Map.of("timeZone", "Asia/Tokyo")).status())
                .as("signed out").isIn(302, 403);
        assertThat(zoneOf(ada.user().id())).isEqualTo("America/St_Johns");
    }
}

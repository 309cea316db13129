package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.testsupport.WebSession;
import dev.gatehouse.testsupport.WebSession.Page;

/** DESIGN.md invariant 12 through HTTP: bad input gets a clear message, changes nothing and leaks nothing. */
abstract class BadInputTests extends WebFlowSupport {

    @Test
    void signUpWhenFieldsEmptyThenEachFieldExplainedAndNothingStored() {
        Stored before = stored();
        WebSession web = browser();
        web.get("/signup");
        Page page = web.post("/signup", Map.of("displayName", " ", "email", "", "password", "",
                "accountName", ""));
        assertThat(page.status()).isEqualTo(422);
        assertThat(page.body()).contains("Some fields need your attention", "This field is required.",
                "Enter an email address.", "Enter a password.");
        Page missing = web.post("/signup", Map.of());
        assertThat(missing.status()).as("fields left out altogether").isEqualTo(422);
        assertThat(stored()).isEqualTo(before);
    }

    @Test
    void signUpWhenNameIsTenKilobytesThenTooLongAndNothingStored() {
        Stored before = stored();
        WebSession web = browser();
        web.get("/signup");
        String huge = "N".repeat(10_240);
        Page page = web.post("/signup", Map.of("displayName", huge, "email", unique("huge"),
                "password", PASSWORD, "accountName", huge));
        assertThat(page.status()).isEqualTo(422);
        assertThat(page.body()).contains("Use at most 100 characters.").doesNotContain("N".repeat(1000));
        assertThat(stored()).isEqualTo(before);
    }

    @Test
    void signUpWhenBodyHasBrokenUtf8ThenAskedToTypeAgainAndNothingStored() {
        Stored before = stored();
        WebSession web = browser();
        web.get("/signup");
        String email = unique("bytes");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("_csrf=" + URLEncoder.encode(web.csrf(), StandardCharsets.UTF_8) + "&displayName=Ad").getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE});
        body.writeBytes(("a&email=" + URLEncoder.encode(email, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8) + "&accountName=Bytes%C3%28%FF")
                .getBytes(StandardCharsets.US_ASCII));
        // Tomcat refuses to decode a form body that is not UTF-8, so the request is answered before any controller.
        Page page = web.postBytes("/signup", body.toByteArray());
        assertThat(page.status()).isEqualTo(400);
        assertThat(page.body()).contains("That request could not be handled", "Go back and try again.");
        assertThat(count("select count(*) from signup_requests where lower(email) = lower(?)", email)).isZero();
        assertThat(stored()).isEqualTo(before);
    }

    @Test
    void signUpWhenEmailGivenTwiceThenRejectedAndNothingStored() {
        Stored before = stored();
        WebSession web = browser();
        web.get("/signup");
        String first = unique("first");
        String second = unique("second");
        String body = "_csrf=" + URLEncoder.encode(web.csrf(), StandardCharsets.UTF_8)
                + "&displayName=Dup&password=" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8)
                + "&accountName=Dup&email=" + URLEncoder.encode(first, StandardCharsets.UTF_8)
                + "&email=" + URLEncoder.encode(second, StandardCharsets.UTF_8);
        Page page = web.postBytes("/signup", body.getBytes(StandardCharsets.US_ASCII));
        assertThat(page.status()).isEqualTo(422);
        assertThat(page.body()).contains("Enter an email address like name@example.com.");
        assertThat(stored()).isEqualTo(before);
    }

    @Test
    void signUpWhenBodyIsHundredKilobytesThenRefusedCleanlyAndNothingStored() {
        Stored before = stored();
        WebSession web = browser();
        web.get("/signup");
        String body = "_csrf=" + URLEncoder.encode(web.csrf(), StandardCharsets.UTF_8)
                + "&email=" + URLEncoder.encode(unique("big"), StandardCharsets.UTF_8)
                + "&password=" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8)
                + "&accountName=Big&displayName=" + "B".repeat(100 * 1024);
        Page page = web.postBytes("/signup", body.getBytes(StandardCharsets.US_ASCII));
        assertThat(page.status()).isEqualTo(413);
        assertThat(page.body()).contains("That was too much to send").doesNotContain("B".repeat(1000));
        assertThat(stored()).isEqualTo(before);
        assertThat(browser().get("/signup").status()).as("the server carries on").isEqualTo(200);
    }

    @Test
    void signInWhenInputOversizedOrMissingThenSameRefusalAsWrongPassword() {
        TestUsers.Created user = users().create("oversize");
        WebSession web = browser();
        Page huge = signIn(web, user.email(), "p".repeat(10_240));
        assertThat(huge.status()).isEqualTo(401);
        assertThat(huge.body()).doesNotContain("p".repeat(1000));
        Page hugeEmail = signIn(browser(), "e".repeat(10_240) + "@example.com", PASSWORD);
        assertThat(hugeEmail.status()).isEqualTo(401);
        assertThat(hugeEmail.body()).doesNotContain("e".repeat(1000));
        WebSession empty = browser();
        empty.get("/signin");
        assertThat(empty.post("/signin", Map.of()).status()).isEqualTo(401);
        assertThat(web.get("/settings/security").status()).isEqualTo(302);
    }

    @Test
    void signInWhenEmailHoldsNulCharacterThenSameRefusalAsWrongPassword() {
        TestUsers.Created user = users().create("nul");
        Page page = signIn(browser(), user.email() + "\u0000", PASSWORD);
        assertThat(page.status()).isEqualTo(401);
        assertThat(text(page)).contains("That email and password don't match");
        assertThat(signIn(browser(), "\u0000", "\u0000").status()).isEqualTo(401);
    }

    @Test
    void signUpWhenFieldsHoldNulCharacterThenAskedAgainAndNothingStored() {
        Stored before = stored();
        WebSession web = browser();
        web.get("/signup");
        Page page = web.post("/signup", Map.of("displayName", "Nul\u0000Name", "email", unique("nul") + "\u0000",
                "password", PASSWORD + "\u0000", "accountName", "Nul\u0000Ltd"));
        assertThat(page.status()).isEqualTo(422);
        assertThat(page.body()).contains("This contains characters we could not read.",
                "Enter an email address like name@example.com.");
        assertThat(stored()).isEqualTo(before);
    }

    @Test
    void changePasswordWhenNewPasswordTenKilobytesThenRejectedAndNothingChanged() {
        TestUsers.Created user = users().create("longpw");
        WebSession web = signedIn(user.email(), PASSWORD);
        web.get("/settings/security");
        String huge = "x".repeat(10_240);
        Page page = web.post("/settings/password", Map.of("currentPassword", PASSWORD, "newPassword", huge,
                "confirmPassword", huge));
        assertThat(page.status()).isEqualTo(422);
        assertThat(page.body()).contains("Use at most 128 characters.");
        signedIn(user.email(), PASSWORD);
    }

    @Test
    void acceptInvitationWhenNameBadThenClearMessageAndNoUser() {
        TestUsers.Created owner = users().create("badinvite");
        WebSession web = signedIn(owner.email(), PASSWORD);
        web.get("/accounts/" + owner.accountId() + "/settings");
        String email = unique("badname");
        assertThat(web.post("/accounts/" + owner.accountId() + "/invitations",
                Map.of("email", email, "role", "MEMBER", "phone", "+447400123456")).status()).isEqualTo(302);
        String link = path(mail().awaitNth(email, 1).link("/invite/"));

        WebSession invitee = browser();
        invitee.get(link);
        Page empty = invitee.post(link, Map.of("displayName", "", "password", ""));
        assertThat(empty.status()).isEqualTo(422);
        assertThat(empty.body()).contains("This field is required.", "Enter a password.");
        Page huge = invitee.post(link, Map.of("displayName", "I".repeat(10_240), "password", PASSWORD));
        assertThat(huge.status()).isEqualTo(422);
        assertThat(huge.body()).contains("Use at most 100 characters.").doesNotContain("I".repeat(1000));
        Page control = invitee.post(link, Map.of("displayName", "Bell\u0007", "password", PASSWORD));
        assertThat(control.status()).isEqualTo(422);
        assertThat(count("select count(*) from users where email_normalized = lower(?)", email)).isZero();
        assertThat(invitee.get(link).status()).as("the invitation is not used up").isEqualTo(200);
    }

    @Test
    void unknownPageOrMethodWhenRequestedThenPlainErrorPage() {
        TestUsers.Created user = users().create("errors");
        WebSession web = signedIn(user.email(), PASSWORD);
        Page missing = web.get("/no/such/page");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body()).contains("Page not found")
                .as("the tab says so too, not \"Something went wrong\"").contains("<title>Page not found · Gatehouse</title>");
        Page badId = web.get("/accounts/not-an-id/settings");
        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.body()).contains("That request could not be handled").doesNotContain("accountId")
                .doesNotContain("<title>Something went wrong");
        web.get("/settings/security");
        Page wrongMethod = web.post("/settings/security", Map.of());
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.body()).contains("That request could not be handled");
    }

    /**
     * A client that asks for JSON gets an RFC 9457 problem of fixed words (since stop 38; Boot's own JSON before),
     * nothing of the request or of what failed: no path, message, exception or trace.
     */
    @Test
    void errorWhenClientIsNotBrowserThenAProblemOfFixedWordsWithoutDetailsOfTheRequest() {
        TestUsers.Created user = users().create("api-ish");
        WebSession web = signedIn(user.email(), PASSWORD).accept("application/json");
        Page missing = web.get("/no/such/page");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.header("Content-Type")).hasValue("application/problem+json");
        assertThat(missing.body()).isEqualTo("{\"type\":\"https://gatehouse.dev/problems/not-found\",\"title\":"
                + "\"Not found\",\"status\":404,\"detail\":\"No resource at this path.\"}");
        Page badId = web.get("/accounts/not-an-id/settings");
        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.body()).contains("\"type\":\"https://gatehouse.dev/problems/invalid-request\"")
                .doesNotContain("accountId").doesNotContain("convert").doesNotContain("not-an-id")
                .doesNotContain("trace").doesNotContain("message").doesNotContain("xception");
    }

    record Stored(long users, long signUps, long accounts, long invitations) {
    }

    private Stored stored() {
        return new Stored(count("select count(*) from users"), count("select count(*) from signup_requests"),
                count("select count(*) from accounts"), count("select count(*) from invitations"));
    }
}

package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;

import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;

import dev.gatehouse.signin.Sessions;
import dev.gatehouse.signin.SignedInUser;

import dev.gatehouse.testsupport.Race;
import dev.gatehouse.testsupport.WebSession;
import dev.gatehouse.testsupport.WebSession.Page;

/**
 * Invariant 7 under concurrency (issue 11.2): a privilege change leaves the old session id dead whatever other
 * requests of that session run at the same moment. Before, a request that had loaded the session before the id
 * changed saved it afterwards under the old id: the old cookie (a thief's copy) was then signed in and the new one
 * signed out, in about one try of three. Each scenario runs enough rounds to catch that.
 */
abstract class SessionRaceTests extends TwoFactorFlowSupport {

    private static final int ROUNDS = 8;
    private static final int POLLERS = 6;

    /** Clients sending exactly one cookie header, whatever the server answers: a script replaying a stolen cookie. */
    final class Pollers implements AutoCloseable {
        private final ExecutorService pool = Executors.newFixedThreadPool(POLLERS);
        private final AtomicBoolean stop = new AtomicBoolean();
        final ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();

        Pollers(String cookieHeader, String path) {
            HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
            for (int i = 0; i < POLLERS; i++) {
                pool.submit(() -> {
                    while (!stop.get()) {
                        statuses.add(status(client, cookieHeader, path));
                    }
                    return null;
                });
            }
        }

        @Override
        public void close() throws InterruptedException {
            Thread.sleep(150); // late requests of the old session, saved after the change
            stop.set(true);
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    int status(HttpClient client, String cookieHeader, String path) {
        try {
            return client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .header("Cookie", cookieHeader).header("Accept", "text/html").timeout(Duration.ofSeconds(30))
                    .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** What a client holding only this cookie header gets for the Security page: 200 signed in, 302 not. */
    int securityPage(String cookieHeader) {
        return status(HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build(), cookieHeader,
                "/settings/security");
    }

    @Test
    void secondStepWhenOldCookiePolledMeanwhileThenOldIdDeadAndNewSignedIn() throws InterruptedException {
        TwoFactorUser ada = twoFactorUser("race-code");
        for (int round = 0; round < ROUNDS; round++) {
            WebSession owner = passwordStep(ada);
            String stolen = owner.cookieHeader();
            Page done;
            Pollers pollers = new Pollers(stolen, "/signin/verify");
            try (pollers) {
                done = code(owner, ada, false);
            }
            assertThat(done.location()).as("round " + round).isEqualTo("/settings/security");
            assertThat(pollers.statuses).as("round %d: no request of the old session failed", round)
                    .doesNotContain(500);
            assertThat(securityPage(stolen)).as("round %d: the old id is signed out", round).isEqualTo(302);
            assertThat(securityPage(owner.cookieHeader())).as("round %d: the new id is signed in", round)
                    .isEqualTo(200);
        }
    }

    @Test
    void passwordChangeWhenThiefPollsWithTheSameCookieThenThiefSignedOutAndOwnerStays() throws InterruptedException {
        var ada = users().create("race-password");
        String password = PASSWORD;
        for (int round = 0; round < ROUNDS; round++) {
            WebSession owner = signedIn(ada.email(), password);
            owner.get("/settings/confirm?next=/settings/security");
            owner.post("/settings/confirm", Map.of("password", password, "next", "/settings/security"));
            owner.get("/settings/security");
            String stolen = owner.cookieHeader();
            String next = PASSWORD + " round " + round;
            Page changed;
            Pollers pollers = new Pollers(stolen, "/settings/security");
            try (pollers) {
                changed = owner.post("/settings/password", Map.of("currentPassword", password,
                        "newPassword", next, "confirmPassword", next));
            }
            assertThat(changed.status()).as("round %d: %s", round, changed.body()).isEqualTo(302);
            password = next;
            assertThat(pollers.statuses).as("round %d", round).doesNotContain(500);
            assertThat(securityPage(stolen)).as("round %d: the thief's copy is signed out", round).isEqualTo(302);
            assertThat(securityPage(owner.cookieHeader())).as("round %d: the owner stays", round).isEqualTo(200);
        }
    }

    /**
     * What a request of the session does when it loaded the session before all the user's sessions ended and moves it
     * to a new row afterwards (a rename, a re-confirmation, the second step: every renewal): a new session row with
     * everything the old one held. An outside attack (stop 31) kept a stolen copy alive through sign out everywhere
     * and a password change that way, with a few requests always in flight. Made here directly, so every run takes
     * the losing side of that race. Returns the cookie header of the moved session.
     */
    String movedLate(Map<String, Object> loaded) {
        @SuppressWarnings("unchecked")
        FindByIndexNameSessionRepository<Session> repository = ctx.getBean(FindByIndexNameSessionRepository.class);
        Session moved = repository.createSession();
        loaded.forEach(moved::setAttribute);
        repository.save(moved);
        return "GATEHOUSE_SESSION=" + Base64.getEncoder().encodeToString(moved.getId().getBytes(StandardCharsets.UTF_8));
    }

    /** The attributes of the browser's session as a request of it loads them. */
    Map<String, Object> loaded(WebSession browser) {
        String id = new String(Base64.getDecoder().decode(browser.cookie("GATEHOUSE_SESSION")), StandardCharsets.UTF_8);
        Session session = ctx.getBean(FindByIndexNameSessionRepository.class).findById(id);
        assertThat(session).as("the browser's session").isNotNull();
        Map<String, Object> attributes = new java.util.HashMap<>();
        session.getAttributeNames().forEach(name -> attributes.put(name, session.getAttribute(name)));
        return attributes;
    }

    @Test
    void signOutEverywhereWhenARequestOfAStolenCopyMovesItAfterwardsThenTheMovedSessionIsSignedOutToo() {
        var ada = users().create("late-everywhere");
        WebSession owner = signedIn(ada.email(), PASSWORD);
        Map<String, Object> inFlight = loaded(owner);
        owner.get("/settings/security");
        assertThat(owner.post("/settings/signout-everywhere", Map.of()).location())
                .isEqualTo("/signin?signedOutEverywhere");
        String moved = movedLate(inFlight);
        assertThat(securityPage(moved)).as("the copy moved after sign out everywhere is signed out").isEqualTo(302);
    }

    /**
     * Sessions &gt; Sign out of one other session: before, it deleted that session's row only, and a request of it in
     * flight brought it back under a new id, listed again and signed in.
     */
    @Test
    void signOutSessionWhenARequestOfItMovesItAfterwardsThenTheMovedSessionIsSignedOutAndNotListed() {
        var ada = users().create("late-one");
        WebSession thief = signedIn(ada.email(), PASSWORD);
        thief.get("/settings/security");
        Map<String, Object> inFlight = loaded(thief);
        String copiedBefore = movedLate(inFlight); // a form of it submitted twice at once: two rows of one sign-in
        WebSession owner = signedIn(ada.email(), PASSWORD);
        String handle = SessionsFlowTests.handles(owner.get("/settings/security")).get(0);
        assertThat(owner.post("/settings/sessions/sign-out", Map.of("session", handle)).status()).isEqualTo(302);
        assertThat(jdbc().sql("select count(*) from spring_session where principal_name = ?")
                .param(ada.user().id().toString()).query(Long.class).single()).as("every row of it went").isEqualTo(1);
        assertThat(securityPage(copiedBefore)).isEqualTo(302);

        String moved = movedLate(inFlight);
        assertThat(SessionsFlowTests.sessionRows(owner.get("/settings/security"))).as("only the owner's is listed")
                .hasSize(1).allMatch(row -> row.contains("This session"));
        assertThat(owner.post("/settings/sessions/sign-out", Map.of("session", handle)).status())
                .as("nothing left to end").isEqualTo(404);
        assertThat(securityPage(moved)).as("the copy moved after the sign-out is signed out").isEqualTo(302);
        assertThat(securityPage(owner.cookieHeader())).as("the owner stays").isEqualTo(200);
    }

    /**
     * A form submitted twice at once (a double click on "Save") moves the session to two rows with the same sign-in.
     * The copy is not another session: listed as one, its "Sign out" ended the owner's own sign-in (found by an
     * outside attack in stop 34).
     */
    @Test
    void signOutSessionWhenACopyOfThisBrowsersOwnSignInIsLeftThenNotListedAndThisOneCannotBeEndedThroughIt() {
        var ada = users().create("own-copy");
        WebSession owner = signedIn(ada.email(), PASSWORD);
        owner.get("/settings/security");
        Map<String, Object> loaded = loaded(owner);
        String copy = movedLate(loaded);
        String ownHandle = ((SignedInUser) ((SecurityContext) loaded
                .get(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY)).getAuthentication()
                .getPrincipal()).handle();

        assertThat(SessionsFlowTests.sessionRows(owner.get("/settings/security"))).as("only this session")
                .hasSize(1).allMatch(row -> row.contains("This session"));
        assertThat(owner.post("/settings/sessions/sign-out", Map.of("session", ownHandle)).status()).isEqualTo(404);
        assertThat(securityPage(owner.cookieHeader())).as("the owner stays").isEqualTo(200);
        assertThat(securityPage(copy)).as("nothing was ended").isEqualTo(200);
        assertThat(ctx.getBean(Sessions.class).list(ada.user().id())).as("one sign-in, as others see it").hasSize(1);
    }

    /**
     * "Sign out" ends the sign-in, not only this browser's row: a copy of the session (a form of it submitted twice at
     * once, a stolen cookie renewed elsewhere) is signed out too, and so is a copy a request in flight makes after.
     * Before, the copy stayed signed in and, not being this browser's, was listed to the owner as nothing.
     */
    @Test
    void signOutWhenACopyOfTheSessionIsLeftOrMovedAfterwardsThenTheCopyIsSignedOutToo() {
        var ada = users().create("copy-signout");
        WebSession owner = signedIn(ada.email(), PASSWORD);
        owner.get("/settings/security");
        Map<String, Object> inFlight = loaded(owner);
        String copy = movedLate(inFlight);
        assertThat(securityPage(copy)).as("the copy, before").isEqualTo(200);

        assertThat(owner.post("/signout", Map.of()).location()).isEqualTo("/signin?signedOut");
        assertThat(securityPage(copy)).as("the copy left before the sign-out").isEqualTo(302);
        assertThat(securityPage(movedLate(inFlight))).as("a copy moved after it").isEqualTo(302);
    }

    /** The same when an account's administrator ends the session through the API. */
    @Test
    void endSessionByReferenceWhenARequestOfItMovesItAfterwardsThenTheMovedSessionIsSignedOut() {
        var ada = users().create("late-reference");
        WebSession thief = signedIn(ada.email(), PASSWORD);
        thief.get("/settings/security");
        Map<String, Object> inFlight = loaded(thief);
        Sessions sessions = ctx.getBean(Sessions.class);
        String reference = sessions.list(ada.user().id()).get(0).reference().orElseThrow();
        assertThat(sessions.endByReference(ada.user().id(), reference)).isPresent();

        String moved = movedLate(inFlight);
        assertThat(sessions.list(ada.user().id())).as("the moved copy is not listed").isEmpty();
        assertThat(securityPage(moved)).as("the copy moved after it was ended is signed out").isEqualTo(302);
    }

    @Test
    void passwordChangeWhenARequestOfAStolenCopyMovesItAfterwardsThenTheMovedSessionIsSignedOutAndTheOwnerStays() {
        var ada = users().create("late-password");
        WebSession owner = signedIn(ada.email(), PASSWORD);
        owner.get("/settings/confirm?next=/settings/security");
        owner.post("/settings/confirm", Map.of("password", PASSWORD, "next", "/settings/security"));
        owner.get("/settings/security");
        Map<String, Object> inFlight = loaded(owner);
        String next = PASSWORD + " changed";
        assertThat(owner.post("/settings/password", Map.of("currentPassword", PASSWORD, "newPassword", next,
                "confirmPassword", next)).status()).isEqualTo(302);
        String moved = movedLate(inFlight);
        assertThat(securityPage(moved)).as("the copy moved after the change is signed out").isEqualTo(302);
        assertThat(securityPage(owner.cookieHeader())).as("the owner stays").isEqualTo(200);
        assertThat(owner.get("/settings/security").status()).as("and stays after its next request").isEqualTo(200);
    }

    @Test
    void secondStepWhenAllSessionsEndedAndTheWaitingSessionWasMovedAfterwardsThenTheCodeIsRefused() {
        TwoFactorUser ada = twoFactorUser("late-pending");
        WebSession thief = passwordStep(ada);
        Map<String, Object> inFlight = loaded(thief);
        ctx.getBean(Sessions.class).endAll(ada.user().user().id());
        WebSession moved = browser();
        java.net.HttpCookie cookie = new java.net.HttpCookie("GATEHOUSE_SESSION",
                movedLate(inFlight).substring("GATEHOUSE_SESSION=".length()));
        cookie.setPath("/");
        cookie.setVersion(0);
        moved.cookies().getCookieStore().add(URI.create("http://localhost:" + port + "/"), cookie);
        Page answer = code(moved, ada, false);
        assertThat(answer.location()).as("the second step of an ended sign-in").isNotEqualTo("/settings/security");
        assertThat(securityPage(moved.cookieHeader())).isEqualTo(302);
    }

    @Test
    void backupCodeWhenThirtyParallelSubmissionsInOneSessionThenOneSucceedsAndNoneFails() {
        TwoFactorUser ada = twoFactorUser("race-backup");
        WebSession owner = passwordStep(ada);
        owner.get("/signin/backup-code");
        String cookie = owner.cookieHeader();
        String csrf = owner.csrf();
        String code = ada.backupCodes().get(0);
        List<Integer> statuses = Race.run(30, n -> {
            try {
                return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build()
                        .send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/signin/backup-code"))
                                .header("Cookie", cookie).header("Accept", "text/html")
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString("code=" + code + "&_csrf=" + csrf)).build(),
                                HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertThat(statuses).doesNotContain(500);
        assertThat(statuses.stream().filter(s -> s == 302).count()).as("exactly one sign-in: " + statuses)
                .isEqualTo(1);
        assertThat(securityPage(cookie)).as("the submitting id itself is dead").isEqualTo(302);
    }
}

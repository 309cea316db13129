package dev.gatehouse.bench;

import java.time.Instant;
import java.util.Map;

import dev.gatehouse.reliability.People;
import dev.gatehouse.reliability.People.Person;
import dev.gatehouse.testsupport.WebSession;
import dev.gatehouse.testsupport.WebSession.Page;

/**
 * One browser signing people in one after another, the way a browser does: the sign-in page, the password form with
 * its token, the code page, the code form with the authenticator app's current code; timing each of the four
 * requests. The cookies are dropped before each person, so every sign-in starts as a new browser would (only the
 * connection is kept, as a browser keeps it).
 */
final class BrowserSignIn {

    /** The requests of a sign-in, in order. */
    enum Step {
        PAGE("sign-in page"), PASSWORD("password"), CODE_PAGE("code page"), CODE("code");

        final String label;

        Step(String label) {
            this.label = label;
        }
    }

    /**
     * What one sign-in took: when it ended, each step's time in nanoseconds (0 for steps not reached), and why it
     * failed, or null when it ended signed in.
     */
    record Outcome(long endNanos, long[] stepNanos, String failure) {

        boolean signedIn() {
            return failure == null;
        }
    }

    private final WebSession web;

    BrowserSignIn(int port) {
        this.web = new WebSession(port);
    }

    Outcome signIn(Person person) {
        web.cookies().getCookieStore().removeAll();
        long[] steps = new long[Step.values().length];
        Step step = Step.PAGE;
        try {
            Page page = timed(steps, step, () -> web.get("/signin"));
            if (page.status() != 200) {
                return failed(steps, step, page);
            }
            step = Step.PASSWORD;
            Page password = timed(steps, step,
                    () -> web.post("/signin", Map.of("email", person.email(), "password", People.PASSWORD)));
            if (password.status() != 302 || !"/signin/verify".equals(password.location())) {
                return failed(steps, step, password);
            }
            step = Step.CODE_PAGE;
            Page codePage = timed(steps, step, () -> web.get("/signin/verify"));
            if (codePage.status() != 200) {
                return failed(steps, step, codePage);
            }
            step = Step.CODE;
            Page code = timed(steps, step,
                    () -> web.post("/signin/verify", Map.of("code", person.app().code(Instant.now()))));
            // Signed in: sent on to the page the sign-in was for, never back to a sign-in page.
            if (code.status() != 302 || code.location().startsWith("/signin")) {
                return failed(steps, step, code);
            }
            return new Outcome(System.nanoTime(), steps, null);
        } catch (RuntimeException noAnswer) {
            Throwable cause = noAnswer.getCause() != null ? noAnswer.getCause() : noAnswer;
            return new Outcome(System.nanoTime(), steps, step.label + ": no answer (" + cause.getClass().getSimpleName()
                    + ")");
        }
    }

    private static Page timed(long[] steps, Step step, java.util.function.Supplier<Page> request) {
        long start = System.nanoTime();
        try {
            return request.get();
        } finally {
            steps[step.ordinal()] = System.nanoTime() - start;
        }
    }

    private static Outcome failed(long[] steps, Step step, Page page) {
        String where = page.status() / 100 == 3 ? " to " + page.location() : "";
        return new Outcome(System.nanoTime(), steps, step.label + ": " + page.status() + where);
    }
}

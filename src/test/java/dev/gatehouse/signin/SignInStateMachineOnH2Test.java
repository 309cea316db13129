package dev.gatehouse.signin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import dev.gatehouse.factor.CodePurpose;
import dev.gatehouse.factor.FactorType;
import dev.gatehouse.factor.PendingStep;
import dev.gatehouse.factor.SecondFactorMethod;
import dev.gatehouse.factor.SecondFactors;
import dev.gatehouse.factor.totp.TotpMethod;
import dev.gatehouse.factor.totp.TotpSetup;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.testsupport.AuthenticatorApp;
import dev.gatehouse.testsupport.H2Test;
import dev.gatehouse.testsupport.MutableClock;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.factor.MethodTraits;
import dev.gatehouse.user.UserService;

/**
 * The sign-in state machine driven directly, through an in-memory {@link BrowserSession} and a clock that moves only
 * when told: each transition and each edge of its time windows, without HTTP or a browser. (The same rules over HTTP
 * are in the flow tests, and as a user meets them in the browser tests.) Runs on the H2 server context the flow tests
 * already start, so it costs no start-up of its own.
 */
@H2Test
class SignInStateMachineOnH2Test {

    private static final ClientInfo CLIENT = new ClientInfo("203.0.113.77",
            "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0");
    private static final Duration TOTP_STEP = Duration.ofSeconds(30);

    @Autowired
    ApplicationContext context;

    @Autowired
    SignInService signIn;

    @Autowired
    SecondFactors methods;

    @Autowired
    UserService users;

    @Autowired
    MutableClock clock;

    @Autowired
    SignInProperties properties;

    @Autowired
    DeviceProperties devices;

    TestUsers.Created ada;
    AuthenticatorApp app;
    SecondFactorMethod totp;
    MemoryBrowserSession browser;

    @BeforeEach
    void userWithAnAuthenticatorApp() {
        ada = new TestUsers(context).create("machine");
        totp = methods.get(TotpMethod.TYPE);
        SecondFactorMethod.Setup setup = new SecondFactorMethod.Setup(ada.user(), CLIENT);
        SecondFactorMethod.Start.Ready ready = (SecondFactorMethod.Start.Ready) totp.startEnrollment(setup, null);
        TotpSetup shown = (TotpSetup) ((SecondFactorMethod.Prompt.EnterCode) ready.prompt()).shown();
        app = new AuthenticatorApp(shown.base32Key());
        assertThat(totp.finishEnrollment(setup, ready.pending(), app.code(clock.instant())))
                .isInstanceOf(SecondFactorMethod.Finish.Proved.class);
        clock.advance(TOTP_STEP); // the enrolment's code is spent
        browser = new MemoryBrowserSession(CLIENT);
    }

    private PendingSignIn passwordStep(MemoryBrowserSession on) {
        SignInService.PasswordStep step = signIn.password(ada.email(), ada.password(), on);
        assertThat(step).isInstanceOf(SignInService.PasswordStep.SecondFactorRequired.class);
        return ((SignInService.PasswordStep.SecondFactorRequired) step).pending();
    }

    @Test
    void passwordWhenUserHasAMethodThenOnlyAPendingSignInUnderANewSession() {
        browser.setAttribute("planted", "by someone before sign-in");
        String before = browser.sessionId().orElseThrow();

        PendingSignIn pending = passwordStep(browser);

        assertThat(pending.userId()).isEqualTo(ada.user().id());
        assertThat(pending.passwordAt()).isEqualTo(clock.instant());
        assertThat(browser.sessionId()).get().isNotEqualTo(before);
        assertThat(browser.has("planted")).as("nothing survives the password step").isFalse();
        assertThat(browser.principal()).as("signed out until the second step").isEmpty();
        assertThat(signIn.pending(browser)).contains(pending);
    }

    @Test
    void passwordWhenWrongThenNothingInTheSession() {
        assertThat(signIn.password(ada.email(), "not the password", browser))
                .isInstanceOf(SignInService.PasswordStep.Rejected.class);
        assertThat(signIn.pending(browser)).isEmpty();
        assertThat(browser.principal()).isEmpty();
    }

    @Test
    void secondFactorWhenRightCodeThenSignedInUnderANewSessionWithTheTimeOfTheProof() {
        passwordStep(browser);
        String pendingId = browser.sessionId().orElseThrow();

        SecondFactorStep step = signIn.secondFactor(totp, app.code(clock.instant()), false, browser);

        assertThat(step).isInstanceOf(SecondFactorStep.SignedIn.class);
        assertThat(browser.sessionId()).get().isNotEqualTo(pendingId);
        assertThat(browser.principal()).get().satisfies(me -> {
            assertThat(me.userId()).isEqualTo(ada.user().id());
            assertThat(me.secondFactorAt()).isEqualTo(clock.instant());
        });
        assertThat(signIn.pending(browser)).as("the pending sign-in ends with it").isEmpty();
        assertThat(browser.cookieValue(devices.trustCookie())).as("not remembered unless asked").isEmpty();
    }

    /**
     * The app's code, and while it is being checked all the user's sessions end ("sign out everywhere" pressed at that
     * moment), as an outside attack in stop 31 timed it: the sign-in may finish, but "remember this device" must not.
     */
    private SecondFactorMethod overtakenWhileChecked(SecondFactorMethod method) {
        return new SecondFactorMethod() {
            public FactorType type() { return method.type(); }
            public MethodTraits traits() { return method.traits(); }
            public boolean activeFor(java.util.UUID userId) { return method.activeFor(userId); }
            public Start startVerification(Attempt attempt, Send send) {
                return method.startVerification(attempt, send);
            }
            public Finish finishVerification(Attempt attempt, PendingStep pending, String answer) {
                users.endSessions(attempt.user().id());
                return method.finishVerification(attempt, pending, answer);
            }
            public Start startEnrollment(Setup setup, PendingStep previous) {
                return method.startEnrollment(setup, previous);
            }
            public Finish finishEnrollment(Setup setup, PendingStep pending, String answer) {
                return method.finishEnrollment(setup, pending, answer);
            }
        };
    }

    @Test
    void secondFactorWhenAllSessionsEndWhileTheCodeIsCheckedThenTheBrowserIsNotRemembered() {
        passwordStep(browser);
        assertThat(signIn.secondFactor(overtakenWhileChecked(totp), app.code(clock.instant()), true, browser))
                .isInstanceOf(SecondFactorStep.SignedIn.class);
        assertThat(browser.cookieValue(devices.trustCookie())).as("after a sign-in").isEmpty();

        // The same through an application's step-up, which re-read the user after the code (found in stop 31).
        clock.advance(TOTP_STEP);
        MemoryBrowserSession other = new MemoryBrowserSession(CLIENT);
        passwordStep(other);
        signIn.secondFactor(totp, app.code(clock.instant()), false, other);
        clock.advance(TOTP_STEP);
        assertThat(signIn.stepUp(other.principal().orElseThrow(), other)).isPresent();
        assertThat(signIn.secondFactor(overtakenWhileChecked(totp), app.code(clock.instant()), true, other))
                .isInstanceOf(SecondFactorStep.SignedIn.class);
        assertThat(other.cookieValue(devices.trustCookie())).as("after a step-up").isEmpty();
    }

    @Test
    void pendingWhenWindowEndsThenClosedAtItsEndInstant() {
        passwordStep(browser);
        Instant end = clock.instant().plus(properties.secondFactorWindow());

        clock.set(end.minusNanos(1000));
        assertThat(signIn.pending(browser)).as("open until its last microsecond").isPresent();
        clock.set(end);
        assertThat(signIn.pending(browser)).as("closed at its end").isEmpty();
        clock.set(end.plus(TOTP_STEP));
        assertThat(signIn.secondFactor(totp, app.code(clock.instant()), false, browser))
                .isInstanceOf(SecondFactorStep.NoPendingSignIn.class);
        assertThat(browser.principal()).isEmpty();
    }

    @Test
    void secondFactorWhenPasswordChangedAfterThePasswordStepThenThePendingSignInEnds() {
        passwordStep(browser);
        clock.advance(Duration.ofSeconds(1));
        assertThat(users.changePassword(ada.user().id(), ada.password(), "a new and different passphrase", CLIENT))
                .isInstanceOf(UserService.PasswordChange.Changed.class);
        clock.advance(TOTP_STEP);

        assertThat(signIn.secondFactor(totp, app.code(clock.instant()), false, browser))
                .as("whoever knew the old password stops here, right code or not")
                .isInstanceOf(SecondFactorStep.NoPendingSignIn.class);
        assertThat(browser.has(PendingSignIn.ATTRIBUTE)).isFalse();
        assertThat(browser.principal()).isEmpty();
    }

    @Test
    void secondFactorWhenMethodNotOfferedToTheUserThenRefusedAndStillPending() {
        PendingSignIn pending = passwordStep(browser);
        SecondFactorMethod email = methods.get(FactorType.valueOf("EMAIL"));

        assertThat(signIn.secondStepMethod(pending, "EMAIL")).as("not one of hers").isEmpty();
        assertThat(signIn.secondStepMethod(pending, "")).contains(totp);
        assertThat(signIn.secondFactor(email, "123456", false, browser))
                .isEqualTo(new SecondFactorStep.WrongCode(0));
        assertThat(browser.principal()).isEmpty();
        assertThat(signIn.pending(browser)).contains(pending);
    }

    @Test
    void secondFactorWhenAStepWasKeptThenItIsTakenOnceRightOrWrong() {
        PendingSignIn pending = passwordStep(browser);
        String kept = PendingStep.attribute(TotpMethod.TYPE, CodePurpose.SIGN_IN);
        browser.setAttribute(kept, new PendingStep(ada.user().id(), TotpMethod.TYPE, CodePurpose.SIGN_IN,
                pending.attemptId(), clock.instant(), clock.instant().plus(Duration.ofMinutes(5)), "state"));

        assertThat(signIn.secondFactor(totp, app.wrongCode(clock.instant()), false, browser))
                .isInstanceOf(SecondFactorStep.WrongCode.class);
        assertThat(browser.has(kept)).as("a ceremony is answered once, even wrongly").isFalse();
    }

    @Test
    void passwordWhenBrowserWasRememberedThenTheSecondStepIsSkippedForThatUserOnly() {
        passwordStep(browser);
        assertThat(signIn.secondFactor(totp, app.code(clock.instant()), true, browser))
                .isInstanceOf(SecondFactorStep.SignedIn.class);
        assertThat(browser.cookieValue(devices.trustCookie())).isPresent();

        MemoryBrowserSession later = browser.newSession();
        assertThat(signIn.password(ada.email(), ada.password(), later))
                .isInstanceOf(SignInService.PasswordStep.SignedIn.class);
        assertThat(later.principal()).get().extracting(SignedInUser::secondFactorAt).as("no second factor was proved")
                .isNull();

        // The token is bound to her: another user of the same browser still gives their second factor.
        TestUsers.Created bob = new TestUsers(context).create("machine-other");
        SecondFactorMethod.Setup setup = new SecondFactorMethod.Setup(bob.user(), CLIENT);
        SecondFactorMethod.Start.Ready ready = (SecondFactorMethod.Start.Ready) totp.startEnrollment(setup, null);
        AuthenticatorApp bobsApp = new AuthenticatorApp(((TotpSetup) ((SecondFactorMethod.Prompt.EnterCode)
                ready.prompt()).shown()).base32Key());
        totp.finishEnrollment(setup, ready.pending(), bobsApp.code(clock.instant()));
        assertThat(signIn.password(bob.email(), bob.password(), browser.newSession()))
                .isInstanceOf(SignInService.PasswordStep.SecondFactorRequired.class);
    }

    @Test
    void secondStepWhenTheSignInBeganWithAResetLinkThenNoMethodByEmailIsOffered() {
        // Ada also has email codes, to her sign-in address: the inbox the reset link went to.
        SecondFactorMethod email = methods.get(FactorType.valueOf("EMAIL"));
        SecondFactorMethod.Setup setup = new SecondFactorMethod.Setup(ada.user(), CLIENT,
                Map.of("destination", ada.email()));
        SecondFactorMethod.Start.Ready started = (SecondFactorMethod.Start.Ready) email.startEnrollment(setup, null);
        String code = new dev.gatehouse.testsupport.SentCodes(context).awaitCode(ada.email(), 1);
        assertThat(email.finishEnrollment(setup, started.pending(), code))
                .isInstanceOf(SecondFactorMethod.Finish.Proved.class);
        assertThat(signIn.choices(passwordStep(new MemoryBrowserSession(CLIENT))).all())
                .as("after the password, email codes are a second step").contains(email.type(), totp.type());

        // The user as the reset page reads them when the link is opened (the enrolment above ended their sessions).
        PendingSignIn byLink = signIn.awaitSecondFactorForReset(users.findById(ada.user().id()).orElseThrow(),
                browser);

        assertThat(byLink.emailLink()).isTrue();
        assertThat(signIn.choices(byLink).methods()).containsExactly(totp.type());
        assertThat(signIn.choices(byLink).all()).doesNotContain(email.type());
        assertThat(signIn.secondStepMethod(byLink, "EMAIL")).isEmpty();
        assertThat(signIn.startSecondStep(email, SecondFactorMethod.Send.FIRST, browser)).isEmpty();
        assertThat(signIn.secondFactor(email, "123456", false, browser)).isEqualTo(new SecondFactorStep.WrongCode(0));
        assertThat(browser.principal()).isEmpty();
        assertThat(signIn.secondFactor(totp, app.code(clock.instant()), false, browser))
                .isInstanceOf(SecondFactorStep.SignedIn.class);
    }

    @Test
    void reconfirmationWhenConfirmedThenSparedUntilTheWindowEndsAndThenAsksForACodeAgain() {
        passwordStep(browser);
        signIn.secondFactor(totp, app.code(clock.instant()), false, browser);
        SignedInUser me = browser.principal().orElseThrow();
        assertThat(signIn.reconfirmationNeeded(me, browser)).as("a second factor just proved: the password is enough")
                .isEqualTo(SignInService.Reconfirm.PASSWORD);

        String before = browser.sessionId().orElseThrow();
        assertThat(signIn.reconfirm(me, ada.password(), java.util.Optional.empty(), "", browser))
                .isInstanceOf(SignInService.ReconfirmStep.Confirmed.class);
        assertThat(browser.sessionId()).as("more power, a new session id").get().isNotEqualTo(before);
        Instant end = clock.instant().plus(properties.reconfirmation());

        clock.set(end.minusNanos(1000));
        assertThat(signIn.reconfirmationNeeded(me, browser)).isEqualTo(SignInService.Reconfirm.NOTHING);
        clock.set(end);
        assertThat(signIn.reconfirmationNeeded(me, browser)).as("closed at its end; the second factor is old by then")
                .isEqualTo(SignInService.Reconfirm.PASSWORD_AND_CODE);
    }

    @Test
    void reconfirmationWhenSomeoneElsesConfirmationInTheSessionThenItCountsForNothing() {
        passwordStep(browser);
        signIn.secondFactor(totp, app.code(clock.instant()), false, browser);
        SignedInUser me = browser.principal().orElseThrow();
        browser.setAttribute(Reconfirmation.ATTRIBUTE, new Reconfirmation(UUID.randomUUID(), clock.instant()));

        assertThat(signIn.reconfirmationNeeded(me, browser)).isEqualTo(SignInService.Reconfirm.PASSWORD);
        browser.setAttribute(Reconfirmation.ATTRIBUTE, new Reconfirmation(me.userId(), clock.instant()));
        assertThat(signIn.reconfirmationNeeded(me, browser)).isEqualTo(SignInService.Reconfirm.NOTHING);
    }

    @Test
    void signInWhenCompletedThenTheSessionRecordsItsBrowserNetworkAndAHandleThatOutlivesEveryRotation() {
        passwordStep(browser);
        assertThat(browser.has(Sessions.INFO)).as("not while waiting for the second step").isFalse();
        Instant signedInAt = clock.instant();
        signIn.secondFactor(totp, app.code(clock.instant()), false, browser);
        Sessions.SessionInfo info = browser.attribute(Sessions.INFO, Sessions.SessionInfo.class).orElseThrow();
        assertThat(info.browser()).isEqualTo("Firefox on Linux");
        assertThat(info.ip()).isEqualTo(CLIENT.ip());
        assertThat(info.signedInAt()).isEqualTo(signedInAt);
        assertThat(info.handle()).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(browser.sessionId().orElseThrow());

        // A re-confirmation moves the session to a new id; the handle a page showed still names it.
        SignedInUser me = browser.principal().orElseThrow();
        String before = browser.sessionId().orElseThrow();
        signIn.reconfirm(me, ada.password(), java.util.Optional.empty(), "", browser);
        assertThat(browser.sessionId()).get().isNotEqualTo(before);
        assertThat(browser.attribute(Sessions.INFO, Sessions.SessionInfo.class)).contains(info);

        // A new sign-in on the same browser is a new session: a new handle.
        passwordStep(browser);
        assertThat(browser.has(Sessions.INFO)).isFalse();
        clock.advance(TOTP_STEP);
        signIn.secondFactor(totp, app.code(clock.instant()), false, browser);
        assertThat(browser.attribute(Sessions.INFO, Sessions.SessionInfo.class)).get()
                .extracting(Sessions.SessionInfo::handle).isNotEqualTo(info.handle());
    }
}

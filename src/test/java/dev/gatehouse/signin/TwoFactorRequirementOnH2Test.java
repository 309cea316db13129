package dev.gatehouse.signin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import dev.gatehouse.account.DeviceTrustPeriod;
import dev.gatehouse.account.SecurityRulesService;
import dev.gatehouse.factor.FactorService;
import dev.gatehouse.factor.MethodRules;
import dev.gatehouse.factor.SecondFactorMethod;
import dev.gatehouse.factor.SecondFactors;
import dev.gatehouse.factor.totp.TotpMethod;
import dev.gatehouse.factor.totp.TotpSetup;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.testsupport.AuthenticatorApp;
import dev.gatehouse.testsupport.H2Test;
import dev.gatehouse.testsupport.MutableClock;
import dev.gatehouse.testsupport.TestUsers;

/**
 * The account's rules as a member meets them: the set-up step they impose, its grace period, and methods that are
 * not allowed, which cannot be added even by a setup finished after the rule changed (a form posted directly).
 */
@H2Test
class TwoFactorRequirementOnH2Test {

    static final Set<String> KNOWN = Set.of("TOTP", "EMAIL", "SMS", "WEBAUTHN");
    static final ClientInfo CLIENT = new ClientInfo("198.51.100.31", "Mozilla/5.0 Firefox/140.0");

    @Autowired
    ApplicationContext context;

    @Autowired
    SecurityRulesService rules;

    @Autowired
    TwoFactorRequirement requirement;

    @Autowired
    SecondFactors methods;

    @Autowired
    FactorService factors;

    @Autowired
    MutableClock clock;

    TestUsers.Created ada;
    SecondFactorMethod totp;

    @BeforeEach
    void setUp() {
        ada = new TestUsers(context).create("required");
        totp = methods.get(TotpMethod.TYPE);
    }

    private void require(int graceDays, Set<String> allowed) {
        assertThat(rules.save(ada.accountId(), ada.user(), true, graceDays, allowed, DeviceTrustPeriod.THIRTY_DAYS,
                KNOWN, CLIENT)).isInstanceOf(SecurityRulesService.Save.Saved.class);
    }

    @Test
    void blocksWhenRequiredAndNoMethodThenPostponedOnlyForTheSessionAndOnlyDuringTheGrace() {
        MemoryBrowserSession browser = new MemoryBrowserSession(CLIENT);
        assertThat(requirement.blocks(ada.user().id(), browser)).as("not required yet").isFalse();

        require(3, KNOWN);
        assertThat(requirement.status(ada.user().id()).requiredBy()).isEqualTo("required Ltd");
        assertThat(requirement.blocks(ada.user().id(), browser)).isTrue();
        assertThat(requirement.postpone(ada.user().id(), browser)).isTrue();
        assertThat(requirement.blocks(ada.user().id(), browser)).isFalse();
        assertThat(requirement.blocks(ada.user().id(), browser.newSession())).as("asked again next sign-in").isTrue();

        clock.advance(Duration.ofDays(3));
        assertThat(requirement.blocks(ada.user().id(), browser)).as("a postponement ends with the grace").isTrue();
        assertThat(requirement.postpone(ada.user().id(), browser.newSession())).isFalse();
    }

    @Test
    void blocksWhenRequiredWithoutGraceThenCannotBePostponed() {
        require(0, KNOWN);
        MemoryBrowserSession browser = new MemoryBrowserSession(CLIENT);
        assertThat(requirement.postpone(ada.user().id(), browser)).isFalse();
        assertThat(requirement.blocks(ada.user().id(), browser)).isTrue();
    }

    @Test
    void statusWhenOnlyMethodIsNotAllowedThenItCountsAsNone() {
        enrolTotp();
        require(0, KNOWN);
        assertThat(requirement.status(ada.user().id()).unmet()).isFalse();

        require(0, Set.of("WEBAUTHN"));
        assertThat(requirement.status(ada.user().id()).unmet()).isTrue();
    }

    @Test
    void enrolmentWhenMethodNotAllowedThenRefusedAtStartAndWhenAnOlderSetupIsFinished() {
        SecondFactorMethod.Setup setup = new SecondFactorMethod.Setup(ada.user(), CLIENT);
        SecondFactorMethod.Start.Ready started = (SecondFactorMethod.Start.Ready) totp.startEnrollment(setup, null);
        AuthenticatorApp app = new AuthenticatorApp(((TotpSetup) ((SecondFactorMethod.Prompt.EnterCode)
                started.prompt()).shown()).base32Key());

        require(0, Set.of("WEBAUTHN", "EMAIL"));

        assertThat(totp.startEnrollment(setup, null))
                .isEqualTo(new SecondFactorMethod.Start.Refused(MethodRules.NOT_ALLOWED));
        assertThat(totp.finishEnrollment(setup, started.pending(), app.code(clock.instant())))
                .as("a setup begun before the rule, finished after it")
                .isEqualTo(new SecondFactorMethod.Finish.Problem(MethodRules.NOT_ALLOWED));
        assertThat(factors.hasFactor(ada.user().id())).isFalse();
    }

    private void enrolTotp() {
        SecondFactorMethod.Setup setup = new SecondFactorMethod.Setup(ada.user(), CLIENT);
        SecondFactorMethod.Start.Ready ready = (SecondFactorMethod.Start.Ready) totp.startEnrollment(setup, null);
        AuthenticatorApp app = new AuthenticatorApp(((TotpSetup) ((SecondFactorMethod.Prompt.EnterCode)
                ready.prompt()).shown()).base32Key());
        assertThat(totp.finishEnrollment(setup, ready.pending(), app.code(clock.instant())))
                .isInstanceOf(SecondFactorMethod.Finish.Proved.class);
        clock.advance(Duration.ofSeconds(30));
    }
}

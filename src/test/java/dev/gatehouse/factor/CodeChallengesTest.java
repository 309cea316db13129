package dev.gatehouse.factor;

import dev.gatehouse.factor.sms.SmsCodeMethod;
import dev.gatehouse.factor.email.EmailCodeMethod;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.factor.CodeChallenges.SetupResult;
import dev.gatehouse.factor.CodeChallenges.SetupStart;
import dev.gatehouse.factor.totp.TotpMethod;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.system.Db;
import dev.gatehouse.testsupport.AuthenticatorApp;
import dev.gatehouse.testsupport.MutableClock;
import dev.gatehouse.testsupport.Race;
import dev.gatehouse.testsupport.SentCodes;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.user.User;

/**
 * The rules of codes sent by email and text message (DESIGN.md invariant 4), each test named after its rule, against
 * the real database and the outbox relayed to the dev mailbox: the code a test types is the one in the message.
 * Run on H2 by {@link CodeChallengesOnH2Test} and on PostgreSQL by {@link CodeChallengesOnPostgresTest}.
 */
abstract class CodeChallengesTest {

    static final ClientInfo CLIENT = new ClientInfo("203.0.113.9", "code rules");

    @Autowired ApplicationContext context;
    @Autowired CodeChallenges challenges;
    @Autowired FactorService factors;
    @Autowired TotpMethod totp;
    @Autowired CodeAttempts attempts;
    @Autowired CodeProperties properties;
    @Autowired MutableClock clock;
    @Autowired JdbcClient jdbc;
    @Autowired TransactionTemplate tx;
    @Autowired dev.gatehouse.crypto.SecretSealer sealer;

    TestUsers users;
    SentCodes sent;

    @BeforeEach
    void setUp() {
        users = new TestUsers(context);
        sent = new SentCodes(context);
    }

    // --- invariant 4 as a whole -----------------------------------------------------------------------------------

    @Test
    void invariant4_emailAndSmsCodesAreSixDigitsSingleUseBoundToOneChallengeTenMinutesHashedAndReplacedByANewOne() {
        for (FactorType type : List.of(EmailCodeMethod.TYPE, SmsCodeMethod.TYPE)) {
            User ada = users.create("inv4-" + type).user();
            String to = enroll(ada, type);
            UUID attempt = UUID.randomUUID();

            assertThat(send(ada, type, attempt)).isInstanceOf(CodeSend.Sent.class);
            String first = sent.awaitCode(to, 1);
            assertThat(first).as(type + ": six digits").matches("[0-9]{6}");
            assertThat(storedColumns(ada.id())).as(type + ": stored only hashed").noneMatch(v -> v.contains(first));
            assertThat(check(ada, type, CodePurpose.SIGN_IN, UUID.randomUUID(), first)).as(type + ": other attempt")
                    .isInstanceOf(CodeCheck.Wrong.class);
            assertThat(check(ada, type, CodePurpose.RECONFIRM, attempt, first)).as(type + ": other purpose")
                    .isInstanceOf(CodeCheck.Wrong.class);

            clock.advance(properties.resendCooldown());
            assertThat(send(ada, type, attempt)).isInstanceOf(CodeSend.Sent.class);
            String second = sent.awaitCode(to, 2);
            if (!second.equals(first)) {
                assertThat(check(ada, type, CodePurpose.SIGN_IN, attempt, first)).as(type + ": the old code is void")
                        .isInstanceOf(CodeCheck.Wrong.class);
            }
            clock.advance(properties.validity().minusSeconds(1));
            assertThat(check(ada, type, CodePurpose.SIGN_IN, attempt, second)).as(type + ": valid ten minutes")
                    .isInstanceOf(CodeCheck.Accepted.class);
            assertThat(check(ada, type, CodePurpose.SIGN_IN, attempt, second)).as(type + ": single use")
                    .isInstanceOf(CodeCheck.Wrong.class);
            assertThat(send(ada, type, attempt)).as(type + ": a passed challenge takes no new code")
                    .isInstanceOf(CodeSend.Finished.class);
        }
    }

    // --- each rule ------------------------------------------------------------------------------------------------

    @Test
    void finishEnrollmentWhenSentCodeSetupCarriesNoProofThenRejectedAndNothingStored() {
        for (FactorType type : List.of(EmailCodeMethod.TYPE, SmsCodeMethod.TYPE)) {
            User eve = users.create("noproof-" + type).user();
            // A setup made up by any caller, naming a destination nobody typed a code back from.
            PendingEnrollment forged = new PendingEnrollment(eve.id(), type, null,
                    EmailCodeMethod.TYPE.equals(type) ? "eve@example.com" : "+447400123456", clock.instant());

            assertThat(factors.finishEnrollment(eve, forged, "", CLIENT))
                    .isEqualTo(new FactorService.Enrollment.Rejected("codes.setup.notProved"));
            assertThat(factors.factors(eve.id())).isEmpty();
        }
    }

    @Test
    void codesAreSixDigitsFromTheCsprng() {
        // The generator the core uses, seen through many codes: always 6 digits, leading zeros kept, every digit in
        // every position (a counter, a clock or a weak generator would not spread like this).
        int[][] seen = new int[CodeChallenges.DIGITS][10];
        for (int i = 0; i < 5000; i++) {
            String code = dev.gatehouse.crypto.RandomCodes.digits(CodeChallenges.DIGITS);
            assertThat(code).matches("[0-9]{6}");
            for (int p = 0; p < code.length(); p++) {
                seen[p][code.charAt(p) - '0']++;
            }
        }
        for (int[] position : seen) {
            for (int count : position) {
                assertThat(count).as("each digit about 500 times in each position").isBetween(380, 620);
            }
        }
        User ada = users.create("digits").user();
        String to = enroll(ada, EmailCodeMethod.TYPE);
        send(ada, EmailCodeMethod.TYPE, UUID.randomUUID());
        assertThat(sent.awaitCode(to, 1)).matches("[0-9]{6}");
    }

    @Test
    void codeValidTenMinutesThenRefused() {
        User ada = users.create("expiry").user();
        String to = enroll(ada, EmailCodeMethod.TYPE);
        UUID attempt = UUID.randomUUID();
        CodeSend.Sent sentCode = (CodeSend.Sent) send(ada, EmailCodeMethod.TYPE, attempt);
        assertThat(Duration.between(sentCode.challenge().sentAt(), sentCode.challenge().expiresAt()))
                .isEqualTo(Duration.ofMinutes(10)).isEqualTo(properties.validity());
        String code = sent.awaitCode(to, 1);

        clock.advance(Duration.ofMinutes(10));

        assertThat(check(ada, EmailCodeMethod.TYPE, CodePurpose.SIGN_IN, attempt, code)).isInstanceOf(CodeCheck.Wrong.class);
        assertThat(challenges.current(ada.id(), EmailCodeMethod.TYPE, CodePurpose.SIGN_IN, attempt).orElseThrow()
                .expired(clock.instant())).isTrue();
    }

    @Test
    void codeSingleUseUnderParallelSubmits() {
        User ada = users.create("parallel").user();
        String to = enroll(ada, SmsCodeMethod.TYPE);
        UUID attempt = UUID.randomUUID();
        send(ada, SmsCodeMethod.TYPE, attempt);
        String code = sent.awaitCode(to, 1);

        List<CodeCheck> results = Race.run(5, i -> check(ada, SmsCodeMethod.TYPE, CodePurpose.SIGN_IN, attempt, code));

        assertThat(results.stream().filter(CodeCheck.Accepted.class::isInstance).count()).isEqualTo(1);
        assertThat(jdbc.sql("select count(*) from code_challenges where user_id = ? and used_at is not null")
                .param(ada.id()).query(Long.class).single()).as("the setup's and this one").isEqualTo(2);
    }

    @Test
    void codeBoundToOneChallengeOfUserAttemptPurposeAndChannel() {
        User ada = users.create("bound").user();
        User bob = users.create("bound-other").user();
        String adaTo = enroll(ada, EmailCodeMethod.TYPE);
        enroll(ada, SmsCodeMethod.TYPE);
        enroll(bob, EmailCodeMethod.TYPE);
        UUID attempt = UUID.randomUUID();
        send(ada, EmailCodeMethod.TYPE, attempt);
        String code = sent.awaitCode(adaTo, 1);

        assertThat(check(bob, EmailCodeMethod.TYPE, CodePurpose.SIGN_IN, attempt, code)).as("other user")
                .isInstanceOf(CodeCheck.Wrong.class);
        assertThat(check(ada, SmsCodeMethod.TYPE, CodePurpose.SIGN_IN, attempt, code)).as("other channel")
                .isInstanceOf(CodeCheck.Wrong.class);
        assertThat(check(ada, EmailCodeMethod.TYPE, CodePurpose.RECONFIRM, attempt, code)).as("other purpose")
                .isInstanceOf(CodeCheck.Wrong.class);
        assertThat(check(ada, EmailCodeMethod.TYPE, CodePurpose.SIGN_IN, UUID.randomUUID(), code)).as("other attempt")
                .isInstanceOf(CodeCheck.Wrong.class);
        assertThat(check(ada, EmailCodeMethod.TYPE, CodePurpose.SIGN_IN, attempt, code)).as("its own challenge")
                .isInstanceOf(CodeCheck.Accepted.class);
    }

    @Test
    void codeStoredOnlyHashed() {
        User ada = users.create("hashed").user();
        String to = enroll(ada, EmailCodeMethod.TYPE);
        UUID attempt = UUID.randomUUID();
        send(ada, EmailCodeMethod.TYPE, attempt);
        String code = sent.awaitCode(to, 1);

        assertThat(storedColumns(ada.id())).noneMatch(v -> v.contains(code));
        String hash = jdbc.sql("select code_hash from code_challenges where user_id = ? and attempt_id = ?")
                .params(ada.id(), attempt).query(String.class).single();
        assertThat(hash).startsWith("h1.").doesNotContain(code)
                .isNotEqualTo(dev.gatehouse.crypto.Tokens.sha256(code)).as("keyed, not a plain hash of the code");
        awaitOutboxIdle();
        assertThat(jdbc.sql("select text_body from outbox where recipient = ?").param(to).query(String.class).list())
                .as("the outbox blanks delivered messages").allMatch(String::isEmpty);
        assertThat(check(ada, EmailCodeMethod.TYPE, CodePurpose.SIGN_IN, attempt, code)).isInstanceOf(CodeCheck.Accepted.class);
        assertThat(jdbc.sql("select code_hash from code_challenges where user_id = ? and attempt_id = ?")
                .params(ada.id(), attempt).query(String.class).optional()).as("a used code leaves no hash").isEmpty();
    }

    @Test
    void newCodeVoidsThePreviousOne() {
        User ada = users.create("voids").user();
        String to = enroll(ada, EmailCodeMethod.TYPE);
        UUID attempt = UUID.randomUUID();
        send(ada, EmailCodeMethod.TYPE, attempt);
        String first = sent.awaitCode(to, 1);
        clock.advance(properties.resendCooldown());
        String second;
        do {
            // Two codes in a row may be equal by chance (one in a million): then ask again.
            int before = sent.count(to);
            send(ada, EmailCodeMethod.TYPE, attempt);
            second = sent.awaitCode(to, before + 1);
            clock.advance(properties.resendCooldown());
        } while (second.equals(first));

        assertThat(check(ada, EmailCodeMethod.TYPE, CodePurpose.SIGN_IN, attempt, first)).isInstanceOf(CodeCheck.Wrong.class);
        assertThat(check(ada, EmailCodeMethod.TYPE, CodePurpose.SIGN_IN, attempt, second))
                .isInstanceOf(CodeCheck.Accepted.class);
    }

    @Test
    void newCodeWithdrawsThePreviousMessageWhenNotDeliveredYet() {
        User ada = users.create("withdraw").user();
        String to = enroll(ada, EmailCodeMethod.TYPE);
        UUID attempt = UUID.randomUUID();
        send(ada, EmailCodeMethod.TYPE, attempt);
        // The first code's message is still waiting for its next try (as when the mail server is down).
        UUID waiting = UUID.randomUUID();
        jdbc.sql("""
                insert into outbox (id, channel, recipient, subject, text_body, html_body, created_at, attempts,
                                    next_attempt_at, status)
                values (?, 'EMAIL', ?, 'code', 'old code', '', ?, 1, ?, 'PENDING')""")
                .params(waiting, to, Db.ts(clock.instant()), Db.ts(clock.instant().plus(Duration.ofHours(1)))).update();
        jdbc.sql("update code_challenges set message_id = ? where user_id = ? and attempt_id = ?")
                .params(waiting, ada.id(), attempt).update();
        clock.advance(properties.resendCooldown());

        assertThat(send(ada, EmailCodeMethod.TYPE, attempt)).isInstanceOf(CodeSend.Sent.class);

        assertThat(jdbc.sql("select status || ':' || text_body from outbox where id = ?").param(waiting)
                .query(String.class).single()).isEqualTo("EXPIRED:");
    }

    @Test
    void wrongCodesCountTowardTheSameLockoutAsAppCodes() {
        User ada = users.create("shared-lock").user();
        AuthenticatorApp app = CodeRaceTest.enroll(factors, totp, clock, ada);
        String to = enroll(ada, EmailCodeMethod.TYPE);
        UUID attempt = UUID.randomUUID();
        send(ada, EmailCodeMethod.TYPE, attempt);
        String code = sent.awaitCode(to, 1);

        for (int i = 0; i < 3; i++) {
            assertThat(factors.checkCode(ada.id(), TotpMethod.TYPE, app.wrongCode(clock.instant()), CLIENT))
                    .isInstanceOf(CodeCheck.Wrong.class);
        }
        assertThat(check(ada, EmailCodeMethod.TYPE, CodePurpose.SIGN_IN, attempt, wrong(code)))
                .isEqualTo(new CodeCheck.Wrong(2));
        assertThat(check(ada, EmailCodeMethod.TYPE, CodePurpose.SIGN_IN, attempt, wrong(code)))
                .isEqualTo(new CodeCheck.Wrong(1));
        assertThat(check(ada, EmailCodeMethod.TYPE, CodePurpose.SIGN_IN, attempt, wrong(code)))
                .isInstanceOf(CodeCheck.Locked.class);

        assertThat(check(ada, EmailCodeMethod.TYPE, CodePurpose.SIGN_IN, attempt, code)).as("even the right code waits")
                .isInstanceOf(CodeCheck.Locked.class);
        assertThat(events(ada.id(), "SECOND_FACTOR_FAILED")).isEqualTo(6);
        assertThat(events(ada.id(), "CODE_ENTRY_LOCKED")).isEqualTo(1);
    }

    @Test
    void resendDoesNotResetTheWrongCodeCount() {
        User ada = users.create("resend-count").user();
        String to = enroll(ada, SmsCodeMethod.TYPE);
        UUID attempt = UUID.randomUUID();
        send(ada, SmsCodeMethod.TYPE, attempt);
        String code = sent.awaitCode(to, 1);
        for (int i = 0; i < 5; i++) {
            check(ada, SmsCodeMethod.TYPE, CodePurpose.SIGN_IN, attempt, wrong(code));
        }
        clock.advance(properties.resendCooldown());

        assertThat(send(ada, SmsCodeMethod.TYPE, attempt)).isInstanceOf(CodeSend.Sent.class);
        String fresh = sent.awaitCode(to, 2);

        assertThat(check(ada, SmsCodeMethod.TYPE, CodePurpose.SIGN_IN, attempt, wrong(fresh)))
                .as("the sixth wrong code in a row, new code or not").isInstanceOf(CodeCheck.Locked.class);
    }

    @Test
    void resendWithinTheCooldownSendsNothingAndSaysWhen() {
        User ada = users.create("cooldown").user();
        String to = enroll(ada, EmailCodeMethod.TYPE);
        UUID attempt = UUID.randomUUID();
        CodeSend.Sent first = (CodeSend.Sent) send(ada, EmailCodeMethod.TYPE, attempt);
        String code = sent.awaitCode(to, 1);
        clock.advance(properties.resendCooldown().minusSeconds(1));
        long rows = outboxRows(to);

        CodeSend again = send(ada, EmailCodeMethod.TYPE, attempt);

        assertThat(again).isInstanceOfSatisfying(CodeSend.CoolingDown.class, c -> assertThat(c.until())
                .isEqualTo(first.challenge().sentAt().plus(Duration.ofSeconds(60))));
        assertThat(outboxRows(to)).as("nothing sent").isEqualTo(rows);
        assertThat(check(ada, EmailCodeMethod.TYPE, CodePurpose.SIGN_IN, attempt, code)).as("the code still works")
                .isInstanceOf(CodeCheck.Accepted.class);
    }

    @Test
    void sendsPastTheUserLimitSendNothingAndSayWhen() {
        User ada = users.create("user-limit").user();
        String to = enroll(ada, EmailCodeMethod.TYPE);
        for (int i = 0; i < properties.userSendsPerWindow(); i++) {
            assertThat(send(ada, EmailCodeMethod.TYPE, UUID.randomUUID())).isInstanceOf(CodeSend.Sent.class);
        }
        long rows = outboxRows(to);

        CodeSend refused = send(ada, EmailCodeMethod.TYPE, UUID.randomUUID());

        assertThat(refused).isEqualTo(new CodeSend.LimitReached(windowEnd(properties), CodeSend.Budget.USER));
        assertThat(outboxRows(to)).as("nothing sent").isEqualTo(rows);
        assertThat(jdbc.sql("select count(*) from code_challenges where user_id = ?").param(ada.id())
                .query(Long.class).single()).as("nothing stored: the setup's and the sign-in codes")
                .isEqualTo(1 + properties.userSendsPerWindow());
    }

    @Test
    void sendsWhenOneChannelAndPurposeIsFullThenTheOtherChannelsAndPurposesStillSend() {
        User ada = users.create("budgets").user();
        enroll(ada, EmailCodeMethod.TYPE);
        String number = enroll(ada, SmsCodeMethod.TYPE);
        for (int i = 0; i < properties.userSendsPerWindow(); i++) {
            send(ada, EmailCodeMethod.TYPE, UUID.randomUUID());
        }
        assertThat(send(ada, EmailCodeMethod.TYPE, UUID.randomUUID())).as("sign-in codes by email: full")
                .isEqualTo(new CodeSend.LimitReached(windowEnd(properties), CodeSend.Budget.USER));

        assertThat(send(ada, SmsCodeMethod.TYPE, UUID.randomUUID())).as("sign-in codes by text message")
                .isInstanceOf(CodeSend.Sent.class);
        assertThat(challenges.send(ada, EmailCodeMethod.TYPE, CodePurpose.RECONFIRM, UUID.randomUUID(), CLIENT))
                .as("re-confirmation codes by email").isInstanceOf(CodeSend.Sent.class);
        SetupStart setup = challenges.startSetup(ada, EmailCodeMethod.TYPE, "new-" + ada.email(), null, null, CLIENT);
        assertThat(setup).as("setup codes by email").isInstanceOfSatisfying(SetupStart.Started.class, started ->
                assertThat(started.send()).isInstanceOf(CodeSend.Sent.class));
        sent.awaitCode(number, 1);
    }

    @Test
    void setupCodesToOneDestinationStopAtItsLimitWhoeverAsksButItsOwnersSignInCodesStillGo() {
        User owner = users.create("dest-owner").user();
        String number = enroll(owner, SmsCodeMethod.TYPE);
        // Others type the owner's number into their own setups: the first setup was the owner's, one more fits.
        for (int i = 1; i < properties.destinationSetupSendsPerWindow(); i++) {
            User other = users.create("dest-other").user();
            assertThat(challenges.startSetup(other, SmsCodeMethod.TYPE, number, null, null, CLIENT))
                    .isInstanceOfSatisfying(SetupStart.Started.class, started ->
                            assertThat(started.send()).isInstanceOf(CodeSend.Sent.class));
        }
        User late = users.create("dest-late").user();
        long rows = outboxRows(number);

        SetupStart refused = challenges.startSetup(late, SmsCodeMethod.TYPE, number, null, null, CLIENT);

        assertThat(refused).isInstanceOfSatisfying(SetupStart.Started.class, started -> assertThat(started.send())
                .isEqualTo(new CodeSend.LimitReached(windowEnd(properties), CodeSend.Budget.DESTINATION)));
        assertThat(outboxRows(number)).as("nothing more went to the number").isEqualTo(rows);
        assertThat(send(owner, SmsCodeMethod.TYPE, UUID.randomUUID())).as("codes to a proved number are not counted")
                .isInstanceOf(CodeSend.Sent.class);
        sent.awaitCode(number, properties.destinationSetupSendsPerWindow());
        // Strangers filled the number's setup limit; its owner, whose phone on file it is, can still set it up again.
        assertThat(challenges.startSetup(owner, SmsCodeMethod.TYPE, number, null, null, CLIENT))
                .isInstanceOfSatisfying(SetupStart.Started.class, started ->
                        assertThat(started.send()).isInstanceOf(CodeSend.Sent.class));
    }

    @Test
    void setupCodesToOneAddressCountedWhateverTheLetterCase() {
        User ada = users.create("dest-case").user();
        String address = "Case-" + UUID.randomUUID() + "@Example.com";
        for (int i = 0; i < properties.destinationSetupSendsPerWindow(); i++) {
            String typed = i % 2 == 0 ? address : address.toLowerCase(java.util.Locale.ROOT);
            assertThat(challenges.startSetup(users.create("dest-case").user(), EmailCodeMethod.TYPE, typed, null,
                    null, CLIENT)).isInstanceOf(SetupStart.Started.class);
        }

        SetupStart refused = challenges.startSetup(ada, EmailCodeMethod.TYPE, address.toUpperCase(java.util.Locale.ROOT),
                null, null, CLIENT);

        assertThat(((SetupStart.Started) refused).send()).isInstanceOfSatisfying(CodeSend.LimitReached.class,
                limited -> assertThat(limited.budget()).isEqualTo(CodeSend.Budget.DESTINATION));
    }

    @Test
    void setupCodesToNumbersOfOneCountryStopAtItsLimitAndTheCountryIsTheNumbersNotTheFormField() {
        // A country no other test texts, its setup budget filled as by a pumping run of many accounts and networks.
        com.google.i18n.phonenumbers.PhoneNumberUtil phones = com.google.i18n.phonenumbers.PhoneNumberUtil.getInstance();
        String japan = phones.format(phones.getExampleNumberForType("JP",
                com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType.MOBILE),
                com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat.E164);
        long window = properties.limitWindow().toSeconds();
        Instant start = Instant.ofEpochSecond(clock.instant().getEpochSecond() / window * window);
        jdbc.sql("""
                insert into rate_counters (scope, window_start, window_end, hits) values (?, ?, ?, ?)
                on conflict do nothing""")
                .params("setup-country:JP/" + properties.limitWindow(), Db.ts(start),
                        Db.ts(start.plusSeconds(window)), properties.countrySetupSendsPerWindow()).update();
        User ada = users.create("country").user();

        SetupStart refused = challenges.startSetup(ada, SmsCodeMethod.TYPE, japan, "GB", null, CLIENT);
        SetupStart elsewhere = challenges.startSetup(ada, SmsCodeMethod.TYPE, newMobile(), null, null, CLIENT);

        assertThat(((SetupStart.Started) refused).send())
                .isEqualTo(new CodeSend.LimitReached(windowEnd(properties), CodeSend.Budget.COUNTRY));
        assertThat(sent.count(japan)).isZero();
        assertThat(((SetupStart.Started) elsewhere).send()).as("another country's budget")
                .isInstanceOf(CodeSend.Sent.class);
    }

    @Test
    void countryLimitCountsSetupCodesToPhoneNumbersOnly() {
        CodeProperties tight = new CodeProperties(Duration.ofMinutes(10), Duration.ofSeconds(60),
                Duration.ofMinutes(15), 10, 50, 30, 200, 5, 10, 2, 4);
        SendLimits limits = new SendLimits(new dev.gatehouse.system.RateLimits(jdbc), sealer, tight);
        String region = "X" + (char) ('A' + ThreadLocalRandom.current().nextInt(26));   // a region of its own
        Instant now = clock.instant();

        List<String> outcomes = new java.util.ArrayList<>();
        for (CodePurpose purpose : List.of(CodePurpose.SIGN_IN, CodePurpose.RECONFIRM, CodePurpose.SIGN_IN,
                CodePurpose.SETUP, CodePurpose.SETUP, CodePurpose.SETUP)) {
            SendLimits.Send send = new SendLimits.Send(UUID.randomUUID(), SmsCodeMethod.TYPE, purpose, newMobile(),
                    region);
            outcomes.add(purpose + " " + tx.execute(s -> {
                java.util.Optional<CodeSend.LimitReached> limited = limits.take(send, null, now);
                limited.ifPresent(l -> s.setRollbackOnly());
                return limited.map(l -> l.budget().name()).orElse("sent");
            }));
        }
        String setupEmail = tx.execute(s -> limits.take(new SendLimits.Send(UUID.randomUUID(), EmailCodeMethod.TYPE,
                CodePurpose.SETUP, UUID.randomUUID() + "@example.com", null), null, now)
                .map(l -> l.budget().name()).orElse("sent"));

        assertThat(outcomes).containsExactly("SIGN_IN sent", "RECONFIRM sent", "SIGN_IN sent", "SETUP sent",
                "SETUP sent", "SETUP COUNTRY");
        assertThat(setupEmail).as("an address has no country").isEqualTo("sent");
    }

    @Test
    void sendsPastTheIpLimitSendNothingAndSayWhen() {
        // The test configuration lifts the address limit (every test browser is 127.0.0.1): these are its own.
        CodeProperties tight = new CodeProperties(Duration.ofMinutes(10), Duration.ofSeconds(60),
                Duration.ofMinutes(15), 5, 20, 3, 4, 5, 10, 100, 1000);
        SendLimits limits = new SendLimits(new dev.gatehouse.system.RateLimits(jdbc), sealer, tight);
        String ip = "198.51.100." + ThreadLocalRandom.current().nextInt(1, 255) + "-" + UUID.randomUUID();
        Instant now = clock.instant();

        List<Boolean> taken = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            UUID someone = users.create("ip-limit").user().id();
            taken.add(Boolean.TRUE.equals(tx.execute(s -> {
                boolean free = limits.take(signIn(someone), ip, now).isEmpty();
                if (!free) {
                    s.setRollbackOnly();
                }
                return free;
            })));
        }

        assertThat(taken).containsExactly(true, true, true, false);
        UUID late = users.create("ip-limit").user().id();
        java.util.Optional<CodeSend.LimitReached> until = tx.execute(s -> {
            s.setRollbackOnly();
            return limits.take(signIn(late), ip, now);
        });
        assertThat(until).contains(new CodeSend.LimitReached(windowEnd(tight), CodeSend.Budget.NETWORK));
    }

    @Test
    void limitReachedNamesTheFullLimitWhoseWindowEndsLast() {
        CodeProperties tight = new CodeProperties(Duration.ofMinutes(10), Duration.ofSeconds(60),
                Duration.ofMinutes(15), 1, 1, 1, 100, 5, 10, 100, 1000);
        SendLimits limits = new SendLimits(new dev.gatehouse.system.RateLimits(jdbc), sealer, tight);
        if (!windowEnd(tight).isBefore(dayEnd())) {
            clock.advance(Duration.ofHours(1));   // the last window of a day ends with the day: step past it
        }
        String ip = "198.51.100.7-" + UUID.randomUUID();
        UUID ada = UUID.randomUUID();
        Instant now = clock.instant();
        tx.execute(s -> limits.take(signIn(ada), ip, now));

        java.util.Optional<CodeSend.LimitReached> both = tx.execute(s -> limits.take(signIn(ada), ip, now));

        // The network's window is full (it ends within 15 minutes), the user's day too (it ends at midnight UTC).
        assertThat(both).contains(new CodeSend.LimitReached(dayEnd(), CodeSend.Budget.USER));
    }

    Instant dayEnd() {
        return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.DAYS).plus(Duration.ofDays(1));
    }

    @Test
    void setupWhenCodeTypedBackThenMethodOnAuditedAndAnnounced() {
        User ada = users.create("setup").user();
        String to = enroll(ada, EmailCodeMethod.TYPE);

        assertThat(factors.factor(ada.id(), EmailCodeMethod.TYPE)).hasValueSatisfying(f ->
                assertThat(f.publicData()).isEqualTo(to));
        assertThat(events(ada.id(), "CODE_SENT")).isEqualTo(1);
        assertThat(events(ada.id(), "FACTOR_ENABLED")).isEqualTo(1);
    }

    @Test
    void setupWhenDestinationChangedThenNewOneProvedAndTheOldOneGetsNoMoreCodes() {
        User ada = users.create("change").user();
        String old = enroll(ada, SmsCodeMethod.TYPE);
        String number = newMobile();
        SetupStart start = challenges.startSetup(ada, SmsCodeMethod.TYPE, number, null, null, CLIENT);
        CodeSetup setup = ((SetupStart.Started) start).setup();
        String code = sent.awaitCode(setup.destination(), 1);

        assertThat(challenges.finishSetup(ada, setup, code, CLIENT)).isInstanceOf(SetupResult.Changed.class);

        assertThat(factors.factor(ada.id(), SmsCodeMethod.TYPE).orElseThrow().publicData()).isEqualTo(setup.destination());
        assertThat(events(ada.id(), "CODE_DESTINATION_CHANGED")).isEqualTo(1);
        send(ada, SmsCodeMethod.TYPE, UUID.randomUUID());
        sent.awaitCode(setup.destination(), 1 + 1);
        assertThat(sent.count(old)).as("no code went to the old number since").isZero();
    }

    @Test
    void setupWhenCodeOfAnotherAddressThenRefused() {
        User ada = users.create("setup-bound").user();
        CodeSetup first = ((SetupStart.Started) challenges.startSetup(ada, EmailCodeMethod.TYPE, "first-"
                + ada.email(), null, null, CLIENT)).setup();
        String code = sent.awaitCode("first-" + ada.email(), 1);
        CodeSetup second = ((SetupStart.Started) challenges.startSetup(ada, EmailCodeMethod.TYPE, "second-"
                + ada.email(), null, first, CLIENT)).setup();

        assertThat(second.id()).isNotEqualTo(first.id());
        assertThat(challenges.finishSetup(ada, second, code, CLIENT)).isInstanceOf(SetupResult.Refused.class);
        assertThat(factors.factor(ada.id(), EmailCodeMethod.TYPE)).isEmpty();
    }

    @Test
    void setupWhenBadDestinationThenNothingStoredNothingSent() {
        User ada = users.create("bad").user();
        Map<String, String> emails = Map.of(
                "ada@example.com\r\nBcc: eve@example.org", "input.email.invalid",
                "ada@example.com\n", "input.email.invalid",
                "a".repeat(250) + "@example.com", "input.email.tooLong",
                "not an address", "input.email.invalid",
                "", "input.email.required");
        emails.forEach((typed, key) -> assertThat(challenges.startSetup(ada, EmailCodeMethod.TYPE, typed, null, null, CLIENT))
                .as(typed).isEqualTo(new SetupStart.Problem(key)));
        Map<String, String> numbers = Map.of(
                "+44 7700 900123", "sms.phone.unassigned",
                "+1 999 555 0123", "sms.phone.unassigned",
                "07400 12345x", "sms.phone.invalid",
                "+44 12", "sms.phone.invalid",
                "+44 20 7946 0958", "sms.phone.notMobile",
                "+44 909 090 1234", "sms.phone.notMobile",
                "07400 123456", "sms.phone.needCountry",
                "+447400123456\r\n", "sms.phone.invalid",
                "1".repeat(41), "sms.phone.tooLong");
        numbers.forEach((typed, key) -> assertThat(challenges.startSetup(ada, SmsCodeMethod.TYPE, typed, null, null, CLIENT))
                .as(typed).isEqualTo(new SetupStart.Problem(key)));

        assertThat(jdbc.sql("select count(*) from code_challenges where user_id = ?").param(ada.id())
                .query(Long.class).single()).isZero();
        assertThat(events(ada.id(), "CODE_SENT")).isZero();
    }

    // --- helpers --------------------------------------------------------------------------------------------------

    /** Turns the method on through its setup, with the code read from the message; returns where codes go. */
    String enroll(User user, FactorType type) {
        String typed = EmailCodeMethod.TYPE.equals(type) ? user.email() : newMobile();
        SetupStart start = challenges.startSetup(user, type, typed, null, null, CLIENT);
        assertThat(start).isInstanceOf(SetupStart.Started.class);
        CodeSetup setup = ((SetupStart.Started) start).setup();
        assertThat(((SetupStart.Started) start).send()).isInstanceOf(CodeSend.Sent.class);
        String code = sent.awaitCode(setup.destination(), 1);
        assertThat(challenges.finishSetup(user, setup, code, CLIENT)).isInstanceOf(SetupResult.Enabled.class);
        // The setup's code has been delivered; later sends are counted from here.
        jdbc.sql("delete from dev_mailbox where lower(recipient) = lower(?)").param(setup.destination()).update();
        return setup.destination();
    }

    /** A fresh, valid UK mobile number (07400 range). */
    static String newMobile() {
        return "+447400" + String.format("%06d", ThreadLocalRandom.current().nextInt(1_000_000));
    }

    static Instant windowEnd(CodeProperties limits, Instant now) {
        long window = limits.limitWindow().toSeconds();
        return Instant.ofEpochSecond((now.getEpochSecond() / window + 1) * window);
    }

    Instant windowEnd(CodeProperties limits) {
        return windowEnd(limits, clock.instant());
    }

    static SendLimits.Send signIn(UUID userId) {
        return new SendLimits.Send(userId, EmailCodeMethod.TYPE, CodePurpose.SIGN_IN, userId + "@example.com", null);
    }

    CodeSend send(User user, FactorType type, UUID attempt) {
        return challenges.send(user, type, CodePurpose.SIGN_IN, attempt, CLIENT);
    }

    CodeCheck check(User user, FactorType type, CodePurpose purpose, UUID attempt, String code) {
        return challenges.verify(user.id(), type, purpose, attempt, code, CLIENT);
    }

    static String wrong(String code) {
        return String.format("%06d", (Integer.parseInt(code) + 1) % 1_000_000);
    }

    /** Every text column of the user's challenges, as stored. */
    List<String> storedColumns(UUID userId) {
        return jdbc.sql("select * from code_challenges where user_id = ?").param(userId).query().listOfRows().stream()
                .flatMap(row -> row.values().stream()).filter(v -> v != null).map(Object::toString).toList();
    }

    long outboxRows(String recipient) {
        return jdbc.sql("select count(*) from outbox where recipient = ?").param(recipient).query(Long.class).single();
    }

    long events(UUID userId, String type) {
        return jdbc.sql("select count(*) from audit_events where user_id = ? and type = ?").params(userId, type)
                .query(Long.class).single();
    }

    void awaitOutboxIdle() {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (jdbc.sql("select count(*) from outbox where status = 'PENDING' and next_attempt_at <= ?")
                .param(Db.ts(clock.instant())).query(Long.class).single() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}

package dev.gatehouse.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.crypto.SecretSealer;
import dev.gatehouse.notify.Notifier;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.system.Db;
import dev.gatehouse.system.GatehouseProperties;
import dev.gatehouse.system.RateLimits;
import dev.gatehouse.testsupport.DevMail;
import dev.gatehouse.testsupport.H2Test;
import dev.gatehouse.testsupport.MutableClock;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.user.PasswordHasher;
import dev.gatehouse.user.PasswordPolicy;
import dev.gatehouse.user.UserService;

/**
 * How a new account starts ({@code gatehouse.accounts.text-messages-by-default}), and the member an admin's change of
 * the allowed methods leaves without one: they are emailed, once, and nobody else is.
 */
@H2Test
class NewAccountRulesOnH2Test {

    static final Set<String> KNOWN = Set.of("TOTP", "EMAIL", "SMS", "WEBAUTHN");
    static final ClientInfo CLIENT = new ClientInfo("198.51.100.24", "Mozilla/5.0 Firefox/140.0");

    @Autowired
    ApplicationContext context;

    @Autowired
    SecurityRulesService rules;

    @Autowired
    AccountService accounts;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MutableClock clock;

    TestUsers users;

    @BeforeEach
    void setUp() {
        users = new TestUsers(context);
    }

    /** The sign-up service as a deployment with this setting would have it (the test servers turn it off). */
    private SignUpService signUp(boolean textMessagesByDefault) {
        return signUp(textMessagesByDefault, context.getBean(PasswordHasher.class));
    }

    private SignUpService signUp(boolean textMessagesByDefault, PasswordHasher hasher) {
        return new SignUpService(jdbc, context.getBean(UserService.class), accounts,
                context.getBean(PasswordPolicy.class), hasher,
                context.getBean(Notifier.class), context.getBean(AuditLog.class),
                context.getBean(GatehouseProperties.class), context.getBean(RateLimits.class),
                context.getBean(SignUpProperties.class), context.getBean(SecretSealer.class),
                new AccountRulesProperties(Duration.ofDays(7), textMessagesByDefault, 50, 200),
                context.getBean(PhoneNumberCheck.class), context.getBean(Clock.class),
                context.getBean(org.springframework.transaction.support.TransactionTemplate.class));
    }

    /** The service built here is not Spring's proxy: each call runs in a transaction of its own, as it would. */
    private <T> T inTransaction(java.util.function.Supplier<T> call) {
        return new org.springframework.transaction.support.TransactionTemplate(
                context.getBean(org.springframework.transaction.PlatformTransactionManager.class))
                .execute(status -> call.get());
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    }

    @Test
    void textMessagesByDefaultIsOnUnlessTheDeploymentSaysOtherwise() {
        assertThat(new org.springframework.boot.context.properties.bind.Binder(
                new org.springframework.boot.context.properties.source.MapConfigurationPropertySource())
                .bindOrCreate("gatehouse.accounts", AccountRulesProperties.class).textMessagesByDefault())
                .isTrue();
    }

    @Test
    void signUpWhenTextMessagesByDefaultThenMobileNumberRequiredCheckedLikeSmsCodesAndNothingStoredUntilValid() {
        SignUpService signUp = signUp(true);
        assertThat(signUp.asksForPhone()).isTrue();
        String email = unique("sms-default-invalid");

        for (var typed : List.of(new String[] {"", "sms.phone.required"},
                new String[] {"07400 123456", "signup.phone.needCountry"},
                new String[] {"+44 20 7946 0958", "sms.phone.notMobile"},
                new String[] {"+44 7400 12345x", "sms.phone.invalid"})) {
            assertThat(inTransaction(() -> signUp.request(new SignUpService.SignUpForm("Ada", email,
                    TestUsers.PASSWORD, "Ada Ltd", typed[0]), CLIENT)))
                    .as(typed[0])
                    .isInstanceOfSatisfying(SignUpService.Request.Invalid.class, invalid ->
                            assertThat(invalid.problems().byField()).containsExactly(
                                    java.util.Map.entry("phone", typed[1])));
        }
        assertThat(jdbc.sql("select count(*) from signup_requests where email = ?").param(email)
                .query(Long.class).single()).isZero();
    }

    @Test
    void signUpWhenTextMessagesByDefaultThenAccountStartsRequiringTwoStepWithEveryMethodAndOwnerPhoneOnFile() {
        SignUpService signUp = signUp(true);
        String email = unique("sms-default");

        assertThat(inTransaction(() -> signUp.request(new SignUpService.SignUpForm("Ada", email,
                TestUsers.PASSWORD, "Ada Ltd", "+44 7400 123456"), CLIENT))).isInstanceOf(SignUpService.Request.CheckEmail.class);
        String link = new DevMail(context).awaitNth(email, 1).link("/signup/confirm/");
        SignUpService.Completion done = inTransaction(() ->
                signUp.complete(link.substring(link.lastIndexOf('/') + 1), TestUsers.PASSWORD, CLIENT));

        assertThat(done).isInstanceOfSatisfying(SignUpService.Completion.Completed.class, completed -> {
            SecurityRules started = rules.rules(completed.accountId());
            assertThat(started.requireTwoFactor()).isTrue();
            assertThat(started.graceDays()).as("set up before anything else").isZero();
            assertThat(started.requiredSince()).isEqualTo(clock.instant());
            assertThat(started.allowedMethods()).as("every method, text messages included").isEmpty();
            assertThat(started.allows("SMS")).isTrue();
            assertThat(rules.rulesFor(completed.user().id()).required()).isTrue();
            assertThat(rules.rulesFor(completed.user().id()).skipUntil()).isNull();
            assertThat(jdbc.sql("select phone, phone_verified_at from users where id = ?")
                    .param(completed.user().id())
                    .query((rs, n) -> rs.getString(1) + " " + rs.getTimestamp(2)).single())
                    .as("on file, not proved until a code sent to it is typed back").isEqualTo("+447400123456 null");
        });
    }

    /**
     * A sign-up hashes its password in no transaction, so with no pooled connection held while it waits for a turn of
     * the node's hashing (found by an outside re-attack in stop 32: 100 anonymous sign-ups made every other request
     * wait 3 s for a connection). The service is called as the page calls it, without a transaction around it; the
     * budgets and the request are still written (committed in transactions of their own).
     */
    @Test
    void signUpWhenItHashesOrChecksThePasswordThenNoTransactionIsOpen() throws Exception {
        assertThat(SignUpService.class.getMethod("request", SignUpService.SignUpForm.class,
                dev.gatehouse.system.ClientInfo.class).isAnnotationPresent(
                org.springframework.transaction.annotation.Transactional.class))
                .as("not one transaction around the whole request").isFalse();
        PasswordHasher hasher = org.mockito.Mockito.spy(context.getBean(PasswordHasher.class));
        List<Boolean> inTransaction = new java.util.concurrent.CopyOnWriteArrayList<>();
        org.mockito.Mockito.doAnswer(call -> {
            inTransaction.add(org.springframework.transaction.support.TransactionSynchronizationManager
                    .isActualTransactionActive());
            return call.callRealMethod();
        }).when(hasher).hash(org.mockito.ArgumentMatchers.anyString());
        String email = unique("hash-outside");

        assertThat(signUp(false, hasher).request(new SignUpService.SignUpForm("Ada", email, TestUsers.PASSWORD,
                "Ada Ltd", ""), CLIENT)).isInstanceOf(SignUpService.Request.CheckEmail.class);

        assertThat(inTransaction).containsExactly(false);
        assertThat(jdbc.sql("select count(*) from signup_requests where email = ?").param(email)
                .query(Long.class).single()).isEqualTo(1);

        // The link's confirmation checks the password in no transaction either (anyone can make links of their own),
        // and still makes the user and the account.
        assertThat(SignUpService.class.getMethod("complete", String.class, String.class,
                dev.gatehouse.system.ClientInfo.class).isAnnotationPresent(
                org.springframework.transaction.annotation.Transactional.class)).isFalse();
        org.mockito.Mockito.doAnswer(call -> {
            inTransaction.add(org.springframework.transaction.support.TransactionSynchronizationManager
                    .isActualTransactionActive());
            return call.callRealMethod();
        }).when(hasher).matches(org.mockito.ArgumentMatchers.anyString(), org.mockito.ArgumentMatchers.anyString());
        String link = new DevMail(context).awaitNth(email, 1).link("/signup/confirm/");
        String token = link.substring(link.lastIndexOf('/') + 1);

        assertThat(signUp(false, hasher).complete(token, "not the password asked with", CLIENT))
                .isInstanceOf(SignUpService.Completion.WrongPassword.class);
        assertThat(signUp(false, hasher).complete(token, TestUsers.PASSWORD, CLIENT))
                .isInstanceOf(SignUpService.Completion.Completed.class);

        assertThat(inTransaction).containsExactly(false, false, false);
        assertThat(jdbc.sql("select count(*) from users where email = ?").param(email).query(Long.class).single())
                .isEqualTo(1);
    }

    @Test
    void signUpWhenTextMessagesNotByDefaultThenNoPhoneAskedAndAccountStartsWithNothingRequired() {
        SignUpService signUp = signUp(false);
        assertThat(signUp.asksForPhone()).isFalse();
        String email = unique("sms-off");

        assertThat(inTransaction(() -> signUp.request(new SignUpService.SignUpForm("Ada", email,
                TestUsers.PASSWORD, "Ada Ltd", "not a number"), CLIENT))).as("the field is not read").isInstanceOf(SignUpService.Request.CheckEmail.class);
        String link = new DevMail(context).awaitNth(email, 1).link("/signup/confirm/");
        SignUpService.Completion done = inTransaction(() ->
                signUp.complete(link.substring(link.lastIndexOf('/') + 1), TestUsers.PASSWORD, CLIENT));

        assertThat(done).isInstanceOfSatisfying(SignUpService.Completion.Completed.class, completed -> {
            assertThat(rules.rules(completed.accountId()).required()).isFalse();
            assertThat(jdbc.sql("select phone from users where id = ?").param(completed.user().id())
                    .query(String.class).optional()).isEmpty();
        });
    }

    @Test
    void saveWhenAMembersOnlyMethodsBecomeDisallowedThenThatMemberIsEmailedOnceAndNobodyElse() {
        TestUsers.Created owner = users.create("disallow-owner");
        TestUsers.Created smsOnly = users.create("disallow-sms");
        TestUsers.Created both = users.create("disallow-both");
        TestUsers.Created none = users.create("disallow-none");
        accounts.addMember(owner.accountId(), smsOnly.user().id(), Role.MEMBER);
        accounts.addMember(owner.accountId(), both.user().id(), Role.MEMBER);
        accounts.addMember(owner.accountId(), none.user().id(), Role.MEMBER);
        addMethod(smsOnly, "SMS", "+447400123456");
        addMethod(both, "SMS", "+447400123457");
        addMethod(both, "EMAIL", both.email());
        addMethod(owner, "EMAIL", owner.email());

        rules.save(owner.accountId(), owner.user(), true, 0, Set.of("EMAIL", "TOTP", "WEBAUTHN"),
                DeviceTrustPeriod.ONE_WEEK, KNOWN, CLIENT);

        DevMail mail = new DevMail(context);
        DevMail.Message told = mail.await(smsOnly.email(), "set up another way");
        assertThat(told.subject()).isEqualTo("Gatehouse: set up another way to confirm it's you for "
                + accountName(owner.accountId()));
        assertThat(told.text()).contains("Hello " + smsOnly.user().displayName(),
                owner.email() + " (" + owner.user().displayName() + ") changed which two-step verification methods",
                "What you use now (Text message codes) is no longer one of them.",
                "Authenticator app, Email codes, Security key", "IP address: 198.51.100.24");
        assertThat(noticesTo(both.email())).as("still has an allowed method").isZero();
        assertThat(noticesTo(none.email())).as("had nothing to lose").isZero();
        assertThat(noticesTo(owner.email())).isZero();

        // Narrowing further tells nobody again: the SMS-only member had no allowed method left to lose.
        rules.save(owner.accountId(), owner.user(), true, 0, Set.of("EMAIL", "TOTP"),
                DeviceTrustPeriod.ONE_WEEK, KNOWN, CLIENT);
        assertThat(noticesTo(smsOnly.email())).isEqualTo(1);
        // A change that is not of the allowed methods tells nobody either.
        rules.save(owner.accountId(), owner.user(), true, 3, Set.of("EMAIL", "TOTP"),
                DeviceTrustPeriod.ONE_WEEK, KNOWN, CLIENT);
        assertThat(noticesTo(smsOnly.email()) + noticesTo(both.email())).isEqualTo(1);
    }

    private void addMethod(TestUsers.Created who, String type, String destination) {
        jdbc.sql("""
                insert into second_factors (id, user_id, type, label, public_data, created_at)
                values (?, ?, ?, ?, ?, ?)""")
                .params(UUID.randomUUID(), who.user().id(), type, type, destination, Db.ts(clock.instant()))
                .update();
    }

    private String accountName(UUID accountId) {
        return jdbc.sql("select name from accounts where id = ?").param(accountId).query(String.class).single();
    }

    private long noticesTo(String recipient) {
        return jdbc.sql("select count(*) from outbox where recipient = ? and subject like '%set up another way%'")
                .param(recipient).query(Long.class).single();
    }
}

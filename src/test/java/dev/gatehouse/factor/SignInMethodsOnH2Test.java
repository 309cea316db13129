package dev.gatehouse.factor;

import dev.gatehouse.factor.sms.SmsCodeMethod;
import dev.gatehouse.factor.email.EmailCodeMethod;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.factor.totp.TotpMethod;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.testsupport.H2Test;
import dev.gatehouse.testsupport.MutableClock;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.user.User;

/** The primary method: which of the user's methods sign-in asks for first. */
@H2Test
class SignInMethodsOnH2Test {

    static final ClientInfo CLIENT = new ClientInfo("203.0.113.9", "test");

    @Autowired
    ApplicationContext context;

    @Autowired
    SignInMethods methods;

    @Autowired
    FactorService factors;

    @Autowired
    TotpMethod totp;

    @Autowired
    MutableClock clock;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AuditLog audit;

    @Test
    void primaryWhenOneMethodThenItIsPrimaryAndNoChoiceIsOffered() {
        User ada = new TestUsers(context).create("one").user();
        assertThat(methods.ordered(ada.id())).isEmpty();
        assertThat(methods.primary(ada.id())).isEmpty();

        CodeRaceTest.enroll(factors, totp, clock, ada);
        assertThat(methods.ordered(ada.id())).containsExactly(TotpMethod.TYPE);
        assertThat(methods.primary(ada.id())).contains(TotpMethod.TYPE);
        assertThat(methods.choosePrimary(ada, TotpMethod.TYPE, CLIENT)).isEqualTo(new SignInMethods.Choice.NotOffered());
        assertThat(audit.typesForUser(ada.id())).doesNotContain(AuditEventType.PRIMARY_METHOD_CHANGED);
    }

    @Test
    void primaryWhenTwoMethodsThenFirstAddedUntilTheUserChoosesAnother() {
        User ada = new TestUsers(context).create("two").user();
        CodeRaceTest.enroll(factors, totp, clock, ada);
        clock.advance(Duration.ofSeconds(1));
        addEmailMethod(ada);
        assertThat(methods.ordered(ada.id())).containsExactly(TotpMethod.TYPE, EmailCodeMethod.TYPE);

        assertThat(methods.choosePrimary(ada, EmailCodeMethod.TYPE, CLIENT))
                .isEqualTo(new SignInMethods.Choice.Saved(EmailCodeMethod.TYPE));
        assertThat(methods.ordered(ada.id())).containsExactly(EmailCodeMethod.TYPE, TotpMethod.TYPE);
        assertThat(methods.choosePrimary(ada, SmsCodeMethod.TYPE, CLIENT)).isEqualTo(new SignInMethods.Choice.NotActive());
        assertThat(methods.choosePrimary(ada, null, CLIENT)).isEqualTo(new SignInMethods.Choice.NotActive());
        assertThat(methods.primary(ada.id())).contains(EmailCodeMethod.TYPE);
        assertThat(methods.choosePrimary(ada, EmailCodeMethod.TYPE, CLIENT)).as("saving it again changes nothing")
                .isEqualTo(new SignInMethods.Choice.Saved(EmailCodeMethod.TYPE));
        assertThat(jdbc.sql("select detail from audit_events where user_id = ? and type = 'PRIMARY_METHOD_CHANGED'")
                .param(ada.id()).query(String.class).list()).containsExactly("EMAIL");

        // When the primary method goes, the remaining one leads again.
        jdbc.sql("delete from second_factors where user_id = ? and type = 'EMAIL'").param(ada.id()).update();
        assertThat(methods.ordered(ada.id())).containsExactly(TotpMethod.TYPE);
    }

    private void addEmailMethod(User user) {
        jdbc.sql("""
                insert into second_factors (id, user_id, type, label, public_data, created_at)
                values (?, ?, 'EMAIL', 'Email codes', ?, ?)""")
                .params(UUID.randomUUID(), user.id(), user.email(), dev.gatehouse.system.Db.ts(clock.instant()))
                .update();
    }
}

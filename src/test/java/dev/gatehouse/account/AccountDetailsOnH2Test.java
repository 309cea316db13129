package dev.gatehouse.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.testsupport.H2Test;
import dev.gatehouse.testsupport.TestUsers;

/** The account's own details at the service: what is checked, how it is stored, and what is recorded. */
@H2Test
class AccountDetailsOnH2Test {

    static final ClientInfo CLIENT = new ClientInfo("198.51.100.23", "Mozilla/5.0 Firefox/140.0");

    @Autowired
    ApplicationContext context;

    @Autowired
    AccountDetailsService details;

    @Autowired
    JdbcClient jdbc;

    TestUsers users;

    @BeforeEach
    void setUp() {
        users = new TestUsers(context);
    }

    @Test
    void saveWhenValidThenStoredNormalizedAndAuditedWithWhoAndWhichFields() {
        TestUsers.Created owner = users.create("details-valid");
        assertThat(details.details(owner.accountId()))
                .isEqualTo(new AccountDetails("details-valid Ltd", null, null, null, null, null, null, null));

        // A landline typed as dialled in the country of the address is a fine contact number.
        AccountDetailsService.Save saved = details.save(owner.accountId(), owner.user(), new AccountDetails(
                " Acme Widgets ", " IT@Acme.Example ", "020 7946 0958", "1 High Street", "", " London ", "EC1A 1BB",
                "gb"), CLIENT);

        AccountDetails stored = details.details(owner.accountId());
        assertThat(saved).isEqualTo(new AccountDetailsService.Save.Saved(stored,
                java.util.List.of("name", "contact email", "contact phone", "postal address")));
        assertThat(stored).isEqualTo(new AccountDetails("Acme Widgets", "it@acme.example", "+442079460958",
                "1 High Street", "", "London", "EC1A 1BB", "GB"));
        assertThat(stored.contactPhoneDisplay()).isEqualTo("+44 20 7946 0958");
        assertThat(jdbc.sql("""
                select user_id || ' ' || detail from audit_events where account_id = ? and type = 'ACCOUNT_DETAILS_CHANGED'""")
                .param(owner.accountId()).query(String.class).single())
                .isEqualTo(owner.user().id() + " changed: name, contact email, contact phone, postal address");

        // The same again, typed differently: nothing changed, nothing recorded; emptied fields are cleared.
        assertThat(details.save(owner.accountId(), owner.user(), new AccountDetails("Acme Widgets",
                "it@acme.example", "+44 20 7946 0958", "1 High Street", null, "London", "EC1A 1BB", "GB"), CLIENT))
                .isEqualTo(new AccountDetailsService.Save.Saved(stored, java.util.List.of()));
        details.save(owner.accountId(), owner.user(), new AccountDetails("Acme Widgets", "", "", "", "", "", "", ""),
                CLIENT);
        assertThat(details.details(owner.accountId()).hasAddress()).isFalse();
        assertThat(audited(owner.accountId())).isEqualTo(2);
    }

    @Test
    void saveWhenFieldsAreWrongThenNothingChangesAndEachFieldSaysWhy() {
        TestUsers.Created owner = users.create("details-invalid");
        AccountDetails before = details.details(owner.accountId());

        AccountDetailsService.Save result = details.save(owner.accountId(), owner.user(), new AccountDetails(" ",
                "not-an-address", "12", "x".repeat(101), "line\u0007two", "y".repeat(101), "z".repeat(21), "XX"),
                CLIENT);

        assertThat(result).isInstanceOfSatisfying(AccountDetailsService.Save.Invalid.class, invalid ->
                assertThat(invalid.problems().byField())
                        .containsEntry("name", "input.name.required")
                        .containsEntry("contactEmail", "input.email.invalid")
                        .containsEntry("country", "accountdetails.country.invalid")
                        .as("no country to read it in").containsEntry("contactPhone", "accountdetails.phone.needCountry")
                        .containsEntry("addressLine1", "accountdetails.addressLine1.tooLong")
                        .containsEntry("addressLine2", "accountdetails.line.invalid")
                        .containsEntry("city", "accountdetails.city.tooLong")
                        .containsEntry("postalCode", "accountdetails.postalCode.tooLong")
                        .hasSize(8));
        assertThat(phoneProblem("+44 20 7946 095")).isEqualTo("accountdetails.phone.invalid");
        assertThat(phoneProblem("+44 20 7946 0958 ext. 12")).isEqualTo("accountdetails.phone.invalid");
        assertThat(phoneProblem("1".repeat(41))).isEqualTo("accountdetails.phone.tooLong");
        assertThat(details.details(owner.accountId())).isEqualTo(before);
        assertThat(audited(owner.accountId())).isZero();
    }

    private String phoneProblem(String typed) {
        TestUsers.Created owner = users.create("details-phone");
        AccountDetailsService.Save result = details.save(owner.accountId(), owner.user(),
                new AccountDetails("Phone Ltd", "", typed, "", "", "", "", ""), CLIENT);
        return ((AccountDetailsService.Save.Invalid) result).problems().byField().get("contactPhone");
    }

    private long audited(UUID accountId) {
        return jdbc.sql("select count(*) from audit_events where account_id = ? and type = 'ACCOUNT_DETAILS_CHANGED'")
                .param(accountId).query(Long.class).single();
    }
}

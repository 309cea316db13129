package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.gatehouse.account.AlertRecipients;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.testsupport.H2Test;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.testsupport.WebSession;
import dev.gatehouse.testsupport.WebSession.Page;

/**
 * The account's details and the recipients of its security alerts over HTTP, as an attacker tries them: another
 * account's admin learns nothing (404), a member is told it is for admins (403), an admin may read but not change
 * (403), an address id from another account in the hidden field removes nothing; bad input is answered in the page
 * (422) and changes nothing; a member locked out of code entry is reported to the account's recipients.
 */
@H2Test
class AccountDetailsFlowOnH2Test extends TwoFactorFlowSupport {

    private void join(UUID accountId, UUID userId, String role) {
        jdbc().sql("insert into memberships (account_id, user_id, role, created_at) values (?, ?, ?, ?)")
                .params(accountId, userId, role, Timestamp.from(clock().instant())).update();
    }

    private WebSession confirmed(TestUsers.Created who) {
        WebSession web = signedIn(who.email(), who.password());
        web.get("/settings/confirm?next=/settings/security");
        assertThat(web.post("/settings/confirm", Map.of("password", who.password(), "next", "/settings/security"))
                .status()).isEqualTo(302);
        return web;
    }

    private static Map<String, String> detailsForm(String name, String phone, String country) {
        return Map.of("name", name, "contactEmail", "it@acme.example", "contactPhone", phone,
                "addressLine1", "1 High Street", "city", "London", "postalCode", "EC1A 1BB", "country", country);
    }

    @Test
    void detailsWhenNotTheOwnerThenStrangersGet404MembersAndAdmins403AndNothingChanges() {
        TestUsers.Created owner = users().create("details-victim");
        TestUsers.Created admin = users().create("details-admin");
        TestUsers.Created member = users().create("details-member");
        TestUsers.Created stranger = users().create("details-stranger");
        join(owner.accountId(), admin.user().id(), "ADMIN");
        join(owner.accountId(), member.user().id(), "MEMBER");
        String details = "/accounts/" + owner.accountId() + "/details";
        String recipients = details + "/recipients";
        Map<String, String> rename = detailsForm("Pwned Ltd", "", "");
        Map<String, String> divert = Map.of("email", "attacker@evil.example");

        // Another account's admin (the stranger owns one) guessing ids: as if the account did not exist.
        WebSession strangerWeb = confirmed(stranger);
        assertThat(strangerWeb.get(details).status()).isEqualTo(404);
        assertThat(strangerWeb.get(recipients).status()).isEqualTo(404);
        strangerWeb.get("/settings/security");
        assertThat(strangerWeb.post(details, rename).status()).isEqualTo(404);
        assertThat(strangerWeb.post(recipients + "/addresses", divert).status()).isEqualTo(404);
        assertThat(strangerWeb.post(recipients + "/roles", Map.of("role", "ADMIN")).status()).isEqualTo(404);

        // A member: told plainly it is for the admins, and posting the owner's form changes nothing.
        WebSession memberWeb = confirmed(member);
        Page asMember = memberWeb.get(details);
        assertThat(asMember.status()).isEqualTo(403);
        assertThat(text(asMember)).contains("The settings of details-victim Ltd are for its owners and admins");
        memberWeb.get("/settings/security");
        assertThat(memberWeb.post(details, rename).status()).isEqualTo(403);
        assertThat(memberWeb.post(recipients + "/addresses", divert).status()).isEqualTo(403);

        // An admin reads the details and who is alerted, and may change neither.
        WebSession adminWeb = confirmed(admin);
        Page asAdmin = adminWeb.get(details);
        assertThat(asAdmin.status()).isEqualTo(200);
        assertThat(text(asAdmin)).contains("id=\"read-only\"", "details-victim Ltd", "The account's owners")
                .doesNotContain("id=\"save-details\"", "id=\"change-recipients\"");
        assertThat(adminWeb.post(details, rename).status()).isEqualTo(403);
        Page adminRecipients = adminWeb.get(recipients);
        assertThat(adminRecipients.status()).isEqualTo(403);
        assertThat(text(adminRecipients)).contains("This part of the settings of details-victim Ltd is for its owners");
        adminWeb.get("/settings/security");
        assertThat(adminWeb.post(recipients + "/addresses", divert).status()).isEqualTo(403);
        assertThat(adminWeb.post(recipients + "/roles", Map.of("role", "ADMIN")).status()).isEqualTo(403);

        assertThat(jdbc().sql("select name from accounts where id = ?").param(owner.accountId())
                .query(String.class).single()).isEqualTo("details-victim Ltd");
        assertThat(count("select count(*) from account_alert_addresses where account_id = ?", owner.accountId()))
                .isZero();
        assertThat(count("select count(*) from audit_events where account_id = ? and type in "
                + "('ACCOUNT_DETAILS_CHANGED', 'ALERT_RECIPIENTS_CHANGED')", owner.accountId())).isZero();
        assertThat(count("select count(*) from outbox where recipient = 'attacker@evil.example'")).isZero();
    }

    @Test
    void removeWhenTheHiddenAddressIdIsAnotherAccountsThenNotFoundAndItStays() {
        TestUsers.Created victim = users().create("details-kept");
        TestUsers.Created attacker = users().create("details-tamper");
        ctx.getBean(AlertRecipients.class).add(victim.accountId(), victim.user(), "soc@victim.example",
                ClientInfo.SYSTEM);
        UUID victimsAddress = jdbc().sql("select id from account_alert_addresses where account_id = ?")
                .param(victim.accountId()).query(UUID.class).single();

        WebSession web = confirmed(attacker);
        String own = "/accounts/" + attacker.accountId() + "/details/recipients";
        assertThat(web.get(own).status()).isEqualTo(200);
        // The attacker's own form, the victim's address id in its hidden field.
        assertThat(web.post(own + "/addresses/remove", Map.of("addressId", victimsAddress.toString())).status())
                .isEqualTo(404);
        assertThat(web.post(own + "/addresses/remove", Map.of("addressId", "not-an-id")).status()).isEqualTo(404);
        // The victim's account in the path.
        assertThat(web.post("/accounts/" + victim.accountId() + "/details/recipients/addresses/remove",
                Map.of("addressId", victimsAddress.toString())).status()).isEqualTo(404);

        assertThat(count("select count(*) from account_alert_addresses where id = ?", victimsAddress)).isEqualTo(1);
    }

    @Test
    void saveWhenFieldsAreWrongThen422WithEachFieldsMessageAndWhatWasTyped() {
        TestUsers.Created owner = users().create("details-typo");
        WebSession web = confirmed(owner);
        String details = "/accounts/" + owner.accountId() + "/details";
        web.get(details);

        Page wrong = web.post(details, Map.of("name", "", "contactEmail", "it at acme", "contactPhone", "020 7946",
                "city", "L".repeat(101), "country", "GB"));
        assertThat(wrong.status()).isEqualTo(422);
        assertThat(text(wrong)).contains("Nothing was saved: please correct the fields marked below.",
                "This field is required.", "Enter a phone number, such as +44 20 7946 0958.",
                "The town or city can be at most 100 characters.", "value=\"020 7946\"", "value=\"it at acme\"")
                .containsPattern("<option value=\"GB\" selected=\"selected\">United Kingdom</option>")
                .containsPattern("id=\"contactPhone\"[^>]*aria-invalid=\"true\"");

        Page saved = web.post(details, detailsForm("Acme Widgets", "020 7946 0958", "GB"));
        assertThat(saved.location()).isEqualTo(details);
        assertThat(text(web.follow(saved))).contains("The account's details were saved.", "value=\"Acme Widgets\"",
                "value=\"+44 20 7946 0958\"");
        assertThat(jdbc().sql("select user_id from audit_events where account_id = ? and type = 'ACCOUNT_DETAILS_CHANGED'")
                .param(owner.accountId()).query(UUID.class).single()).isEqualTo(owner.user().id());

        // Recipients: nobody, and a bad address, are answered in the page.
        String recipients = details + "/recipients";
        web.get(recipients);
        Page nobody = web.post(recipients + "/roles", Map.of());
        assertThat(nobody.status()).isEqualTo(422);
        assertThat(text(nobody)).contains("Choose at least one: an extra address alone could be mistyped");
        Page badAddress = web.post(recipients + "/addresses", Map.of("email", "soc@"));
        assertThat(badAddress.status()).isEqualTo(422);
        assertThat(text(badAddress)).contains("id=\"email-error\"", "value=\"soc@\"");
        assertThat(count("select count(*) from account_alert_addresses where account_id = ?", owner.accountId()))
                .isZero();
    }

    @Test
    void lockoutWhenAMemberTypesWrongCodesThenTheAccountsRecipientsAreAlerted() {
        TwoFactorUser member = twoFactorUser("details-guessed");
        TestUsers.Created owner = users().create("details-watch");
        join(owner.accountId(), member.id(), "MEMBER");

        WebSession attacker = passwordStep(member);
        for (int i = 0; i < 6; i++) {
            attacker.get("/signin/verify");
            attacker.post("/signin/verify", Map.of("code", "000000"));
        }

        assertThat(mail().await(owner.email(), "locked out").text())
                .contains("while signing in as details-guessed (" + member.email() + "), a member of details-watch Ltd",
                        "You receive this because you receive the security alerts of the account.");
        assertThat(mail().await(member.email(), "code entry paused").text()).contains("Hello details-guessed");
    }
}

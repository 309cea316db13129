package dev.gatehouse.account;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.system.Inputs;
import dev.gatehouse.user.User;

/**
 * The account's own details (Account settings > Details): its name, contact email and phone, postal address. Who may
 * change them is the caller's to check (owners); a change is audited on the account with who made it and which fields
 * changed (not their values: the log is no copy of the address book).
 */
@Service
public class AccountDetailsService {

    static final int LINE_MAX = 100;
    static final int POSTAL_CODE_MAX = 20;
    static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());

    private final JdbcClient jdbc;
    private final AuditLog audit;

    AccountDetailsService(JdbcClient jdbc, AuditLog audit) {
        this.jdbc = jdbc;
        this.audit = audit;
    }

    /** The details of an account that exists. */
    public AccountDetails details(UUID accountId) {
        return jdbc.sql("""
                select name, contact_email, contact_phone, address_line1, address_line2, address_city,
                       address_postal_code, address_country from accounts where id = ?""")
                .param(accountId)
                .query((rs, n) -> new AccountDetails(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8)))
                .single();
    }

    public sealed interface Save {
        /** Saved; {@code changed} names the fields that changed (empty: nothing did, nothing recorded). */
        record Saved(AccountDetails details, List<String> changed) implements Save { }
        /** Nothing saved: what is wrong, by field. */
        record Invalid(FieldProblems problems) implements Save { }
    }

    /**
     * Saves the details as typed ({@code typed}'s fields are raw form input; the phone may be in any common notation
     * and is stored in E.164, the email normalized, the country an ISO 3166 alpha-2 code or empty). Fields: name,
     * contactEmail, contactPhone, addressLine1, addressLine2, city, postalCode, country.
     */
    @Transactional
    public Save save(UUID accountId, User by, AccountDetails typed, ClientInfo client) {
        Map<String, String> problems = new LinkedHashMap<>();
        Inputs.nameProblem(typed.name()).ifPresent(key -> problems.put("name", key));
        String email = Inputs.normalizeEmail(typed.contactEmail());
        if (!email.isEmpty()) {
            Inputs.emailProblem(email).ifPresent(key -> problems.put("contactEmail", key));
        }
        String country = Inputs.trim(typed.country()).toUpperCase(Locale.ROOT);
        if (!country.isEmpty() && !COUNTRIES.contains(country)) {
            problems.put("country", "accountdetails.country.invalid");
        }
        String phone = "";
        if (!Inputs.trim(typed.contactPhone()).isEmpty()) {
            ContactPhone.Reading reading = ContactPhone.read(typed.contactPhone(),
                    problems.containsKey("country") ? "" : country);
            if (reading instanceof ContactPhone.Reading.E164 e164) {
                phone = e164.number();
            } else {
                problems.put("contactPhone", ((ContactPhone.Reading.Problem) reading).key());
            }
        }
        line("addressLine1", typed.addressLine1(), LINE_MAX).ifPresent(key -> problems.put("addressLine1", key));
        line("addressLine2", typed.addressLine2(), LINE_MAX).ifPresent(key -> problems.put("addressLine2", key));
        line("city", typed.city(), LINE_MAX).ifPresent(key -> problems.put("city", key));
        line("postalCode", typed.postalCode(), POSTAL_CODE_MAX).ifPresent(key -> problems.put("postalCode", key));
        if (!problems.isEmpty()) {
            return new Save.Invalid(new FieldProblems(problems));
        }
        AccountDetails after = new AccountDetails(Inputs.trim(typed.name()), email, phone,
                Inputs.trim(typed.addressLine1()), Inputs.trim(typed.addressLine2()), Inputs.trim(typed.city()),
                Inputs.trim(typed.postalCode()), country);
        // One change at a time per account, so the fields named in the log are the ones this save changed.
        jdbc.sql("select id from accounts where id = ? for update").param(accountId).query(UUID.class).single();
        AccountDetails before = details(accountId);
        List<String> changed = changed(before, after);
        if (changed.isEmpty()) {
            return new Save.Saved(before, changed);
        }
        jdbc.sql("""
                update accounts set name = ?, contact_email = ?, contact_phone = ?, address_line1 = ?,
                       address_line2 = ?, address_city = ?, address_postal_code = ?, address_country = ?
                where id = ?""")
                .params(after.name(), blankToNull(after.contactEmail()), blankToNull(after.contactPhone()),
                        blankToNull(after.addressLine1()), blankToNull(after.addressLine2()),
                        blankToNull(after.city()), blankToNull(after.postalCode()), blankToNull(after.country()),
                        accountId)
                .update();
        audit.record(AuditEventType.ACCOUNT_DETAILS_CHANGED, by.id(), accountId, client,
                "changed: " + String.join(", ", changed));
        return new Save.Saved(after, changed);
    }

    /** An optional line of the address: at most {@code max} characters, none of them a control character. */
    private static Optional<String> line(String field, String raw, int max) {
        String value = Inputs.trim(raw);
        if (value.codePointCount(0, value.length()) > max) {
            return Optional.of("accountdetails." + field + ".tooLong");
        }
        if (Inputs.unreadable(value) || value.chars().anyMatch(Character::isISOControl)) {
            return Optional.of("accountdetails.line.invalid");
        }
        return Optional.empty();
    }

    /** The names of the fields that differ, in the words of the log. */
    private static List<String> changed(AccountDetails before, AccountDetails after) {
        List<String> changed = new ArrayList<>();
        if (!before.name().equals(after.name())) {
            changed.add("name");
        }
        if (!before.contactEmail().equals(after.contactEmail())) {
            changed.add("contact email");
        }
        if (!before.contactPhone().equals(after.contactPhone())) {
            changed.add("contact phone");
        }
        if (!List.of(before.addressLine1(), before.addressLine2(), before.city(), before.postalCode(), before.country())
                .equals(List.of(after.addressLine1(), after.addressLine2(), after.city(), after.postalCode(),
                        after.country()))) {
            changed.add("postal address");
        }
        return changed;
    }

    private static String blankToNull(String value) {
        return value.isEmpty() ? null : value;
    }
}

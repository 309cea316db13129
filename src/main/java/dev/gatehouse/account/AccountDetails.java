package dev.gatehouse.account;

import java.util.Objects;

/**
 * Who the customer behind an account is and how to reach them: the account's name and, all optional (empty, never
 * null), a contact email (normalized), a contact phone (E.164) and a postal address whose country is an ISO 3166
 * alpha-2 code. Values as stored; what people type is checked by {@link AccountDetailsService#save}.
 */
public record AccountDetails(String name, String contactEmail, String contactPhone, String addressLine1,
                             String addressLine2, String city, String postalCode, String country) {

    public AccountDetails {
        Objects.requireNonNull(name, "name");
        contactEmail = orEmpty(contactEmail);
        contactPhone = orEmpty(contactPhone);
        addressLine1 = orEmpty(addressLine1);
        addressLine2 = orEmpty(addressLine2);
        city = orEmpty(city);
        postalCode = orEmpty(postalCode);
        country = orEmpty(country);
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    /** The contact phone as people read it ({@code +44 20 7946 0958}); empty when none. */
    public String contactPhoneDisplay() {
        return ContactPhone.display(contactPhone);
    }

    /** Whether any line of the postal address is given. */
    public boolean hasAddress() {
        return !(addressLine1.isEmpty() && addressLine2.isEmpty() && city.isEmpty() && postalCode.isEmpty()
                && country.isEmpty());
    }
}

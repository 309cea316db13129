package dev.gatehouse.account;

import java.util.Locale;
import java.util.regex.Pattern;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

/**
 * An account's contact number as typed ({@code 020 7946 0958}, {@code +44 20 7946 0958}, {@code 0044 ...}), read with
 * libphonenumber into E.164. Unlike the text-message method's numbers, any assigned number will do: a company's
 * switchboard is a landline, and nothing is ever sent to this number.
 */
final class ContactPhone {

    static final int TYPED_MAX = 40;

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final Pattern TYPABLE = Pattern.compile("[0-9+()./\\- \\u00a0]+");

    private ContactPhone() {
    }

    /** A typed number read: its E.164 form, or what is wrong with it (a message key). */
    sealed interface Reading {
        record E164(String number) implements Reading { }
        record Problem(String key) implements Reading { }
    }

    /**
     * Reads a non-blank typed number; {@code region} (ISO 3166, may be empty) is the country of a number typed
     * without its international prefix. Never throws for anything a client sent.
     */
    static Reading read(String typed, String region) {
        if (typed.length() > TYPED_MAX) {
            return new Reading.Problem("accountdetails.phone.tooLong");
        }
        String number = typed.strip();
        if (!TYPABLE.matcher(number).matches() || number.indexOf('+', 1) >= 0) {
            return new Reading.Problem("accountdetails.phone.invalid");
        }
        if (number.startsWith("00")) {
            number = "+" + number.substring(2);
        }
        String country = region.isBlank() ? null : region.toUpperCase(Locale.ROOT);
        if (!number.startsWith("+") && (country == null || !UTIL.getSupportedRegions().contains(country))) {
            return new Reading.Problem("accountdetails.phone.needCountry");
        }
        try {
            PhoneNumber parsed = UTIL.parse(number, country);
            return UTIL.isValidNumber(parsed)
                    ? new Reading.E164(UTIL.format(parsed, PhoneNumberUtil.PhoneNumberFormat.E164))
                    : new Reading.Problem("accountdetails.phone.invalid");
        } catch (NumberParseException e) {
            return new Reading.Problem("accountdetails.phone.invalid");
        }
    }

    /** A stored number as people read it ({@code +44 20 7946 0958}); the stored form when it cannot be read. */
    static String display(String e164) {
        if (e164.isEmpty()) {
            return e164;
        }
        try {
            return UTIL.format(UTIL.parse(e164, null), PhoneNumberUtil.PhoneNumberFormat.INTERNATIONAL);
        } catch (NumberParseException e) {
            return e164;
        }
    }
}

package dev.gatehouse.factor.sms;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

/**
 * Phone numbers as people type them ({@code 07400 123456}, {@code +44 (0)7400-123456}, {@code 0044 7400 123456}),
 * read with libphonenumber into E.164 ({@code +447400123456}). A number must be well formed, assigned in its
 * country's numbering plan, and able to receive text messages: landlines, premium-rate, toll-free, shared-cost,
 * personal (UK 070) and non-geographic numbers are refused, the last three being favourites of SMS pumping.
 */
final class PhoneNumbers {

    /** Longer input is refused unread; the longest E.164 number with spaces and punctuation fits easily. */
    static final int TYPED_MAX = 40;

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    /** Digits and the punctuation people put in numbers; letters (vanity numbers) and anything else are refused. */
    private static final Pattern TYPABLE = Pattern.compile("[0-9+()./\\- \\u00a0]+");
    private static final Set<PhoneNumberType> TEXTABLE = Set.of(PhoneNumberType.MOBILE,
            PhoneNumberType.FIXED_LINE_OR_MOBILE, PhoneNumberType.VOIP);

    private PhoneNumbers() {
    }

    sealed interface Result {
        /**
         * @param e164          e.g. {@code +447400123456}
         * @param international e.g. {@code +44 7400 123456}
         * @param region        ISO 3166 country, e.g. {@code GB}
         */
        record Parsed(String e164, String international, String region) implements Result {
            public Parsed {
                Objects.requireNonNull(e164, "e164");
                Objects.requireNonNull(international, "international");
                Objects.requireNonNull(region, "region");
            }
        }

        record Problem(String problemKey) implements Result {
        }
    }

    /**
     * Reads a number someone typed. {@code region} (ISO 3166, any case; may be null) is the country of a number typed
     * without its international prefix. Never throws for anything a client sent.
     */
    static Result parse(String typed, String region) {
        if (typed == null || typed.isBlank()) {
            return new Result.Problem("sms.phone.required");
        }
        if (typed.length() > TYPED_MAX) {
            return new Result.Problem("sms.phone.tooLong");
        }
        if (typed.chars().anyMatch(Character::isISOControl)) {
            // A line break is refused, not trimmed: nothing but a number goes on.
            return new Result.Problem("sms.phone.invalid");
        }
        String number = typed.strip();
        if (!TYPABLE.matcher(number).matches() || number.indexOf('+', 1) >= 0) {
            return new Result.Problem("sms.phone.invalid");
        }
        if (number.startsWith("00")) {
            number = "+" + number.substring(2);
        }
        String country = region == null || region.isBlank() ? null : region.strip().toUpperCase(Locale.ROOT);
        if (!number.startsWith("+") && (country == null || !UTIL.getSupportedRegions().contains(country))) {
            return new Result.Problem("sms.phone.needCountry");
        }
        PhoneNumber parsed;
        try {
            parsed = UTIL.parse(number, country);
        } catch (NumberParseException e) {
            return new Result.Problem("sms.phone.invalid");
        }
        if (!UTIL.isPossibleNumber(parsed)) {
            return new Result.Problem("sms.phone.invalid");
        }
        if (!UTIL.isValidNumber(parsed)) {
            return new Result.Problem("sms.phone.unassigned");
        }
        String numberRegion = UTIL.getRegionCodeForNumber(parsed);
        if (!TEXTABLE.contains(UTIL.getNumberType(parsed)) || numberRegion == null
                || PhoneNumberUtil.REGION_CODE_FOR_NON_GEO_ENTITY.equals(numberRegion)) {
            return new Result.Problem("sms.phone.notMobile");
        }
        return new Result.Parsed(UTIL.format(parsed, PhoneNumberFormat.E164),
                UTIL.format(parsed, PhoneNumberFormat.INTERNATIONAL), numberRegion);
    }

    /** The English name of a country, e.g. {@code United Kingdom} for {@code GB}. */
    static String countryName(String region) {
        return new Locale("", region).getDisplayCountry(Locale.ENGLISH);
    }

    /** The calling code of a country, e.g. 44 for {@code GB}; 0 when unknown. */
    static int callingCode(String region) {
        return UTIL.getCountryCodeForRegion(region);
    }

    /** Every country with phone numbers (ISO 3166 codes). */
    static Set<String> regions() {
        return UTIL.getSupportedRegions();
    }
}

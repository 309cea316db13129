package dev.gatehouse.factor.sms;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.boot.context.properties.ConfigurationProperties;

import com.google.i18n.phonenumbers.PhoneNumberUtil;

/**
 * Rules of the SMS method. (How messages leave, {@code gatehouse.sms.gateway} and its settings, is the notify module's.)
 *
 * @param allowedCountries ISO 3166 codes of the countries whose mobile numbers may receive codes, e.g.
 *                         {@code GB,IE,FR}; default empty, meaning every country. Limiting it is the main defence
 *                         against SMS pumping (fraudsters making a site send texts to numbers they earn from). Checked
 *                         when a number is set up and again before every send.
 */
@ConfigurationProperties("gatehouse.sms")
public record SmsProperties(Set<String> allowedCountries) {

    public SmsProperties {
        Set<String> upper = new TreeSet<>();
        if (allowedCountries != null) {
            Set<String> known = PhoneNumberUtil.getInstance().getSupportedRegions();
            for (String country : allowedCountries) {
                String code = country.strip().toUpperCase(Locale.ROOT);
                if (!known.contains(code)) {
                    throw new IllegalArgumentException("gatehouse.sms.allowed-countries: " + country
                            + " is not an ISO 3166 country code with phone numbers");
                }
                upper.add(code);
            }
        }
        allowedCountries = Set.copyOf(upper);
    }

    /** Whether codes may go to numbers of {@code region}. */
    public boolean allows(String region) {
        return region != null && (allowedCountries.isEmpty() || allowedCountries.contains(region));
    }
}

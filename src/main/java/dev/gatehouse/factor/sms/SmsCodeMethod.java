package dev.gatehouse.factor.sms;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.springframework.stereotype.Component;

import dev.gatehouse.factor.CodeMessage;
import dev.gatehouse.factor.CodePurpose;
import dev.gatehouse.factor.DestinationCheck;

import dev.gatehouse.factor.FactorType;

import dev.gatehouse.factor.SentCodeMethod;

import dev.gatehouse.notify.Notifier;
import dev.gatehouse.notify.SmsMessage;
import dev.gatehouse.user.User;

/**
 * Codes by text message to a mobile number, stored in E.164. The weakest method (a number can be taken over at the
 * carrier, messages can be intercepted), offered because it is the one everyone can use; the pages say so and
 * recommend an app or a security key as well. Only numbers of {@code gatehouse.sms.allowed-countries} (default all)
 * are accepted, at setup and before every send.
 */
@Component
public class SmsCodeMethod implements SentCodeMethod {

    static final String DISPLAY_NAME = "Text message codes";

    public static final FactorType TYPE = new FactorType("SMS");

    private final Notifier notifier;
    private final SmsProperties properties;

    @org.springframework.beans.factory.annotation.Autowired
    SmsCodeMethod(Notifier notifier, SmsProperties properties,
                  @org.springframework.beans.factory.annotation.Value("${gatehouse.sms.gateway:dev-mailbox}")
                  String gateway) {
        this(notifier, properties);
        countriesWarning(gateway, properties).ifPresent(org.slf4j.LoggerFactory.getLogger(SmsCodeMethod.class)::warn);
    }

    SmsCodeMethod(Notifier notifier, SmsProperties properties) {
        this.notifier = notifier;
        this.properties = properties;
    }

    /**
     * What the log says at start-up when texts really go out (Twilio or a webhook) to every country: codes to
     * costly destinations are what SMS pumping fraud lives on, and the per-country budget is shared by every user of
     * that country, so an abuser can also use it up (an outside attack in stop 31 had texts accepted for Cuba, Sierra
     * Leone and Papua New Guinea). A warning, not a refusal: which countries a deployment serves is its own choice.
     */
    static Optional<String> countriesWarning(String gateway, SmsProperties properties) {
        if (!("twilio".equals(gateway) || "webhook".equals(gateway)) || !properties.allowedCountries().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("gatehouse.sms.allowed-countries is empty: codes may be texted to mobile numbers in any"
                + " country, costly ones included. Set it to the countries your users are in (e.g. GB,IE,FR).");
    }

    /** A country a number may be in, for the setup page's list. */
    public record Country(String code, String name, int callingCode) {
        public Country {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(name, "name");
        }
    }

    @Override
    public FactorType type() {
        return TYPE;
    }

    @Override
    public Destination destination() {
        return Destination.PHONE_NUMBER;
    }

    @Override
    public String displayName() {
        return DISPLAY_NAME;
    }

    /** Whether an SMS gateway is configured at all. */
    @Override
    public boolean available() {
        return notifier.smsAvailable();
    }

    /** The countries whose numbers may receive codes, by English name. */
    public List<Country> countries() {
        return PhoneNumbers.regions().stream().filter(properties::allows)
                .map(r -> new Country(r, PhoneNumbers.countryName(r), PhoneNumbers.callingCode(r)))
                .sorted(Comparator.comparing(Country::name)).toList();
    }

    /** The English name of a country code, e.g. {@code United Kingdom}. */
    public String countryName(String region) {
        return PhoneNumbers.countryName(region);
    }

    @Override
    public DestinationCheck checkDestination(String typed, String region) {
        PhoneNumbers.Result result = PhoneNumbers.parse(typed, region);
        if (result instanceof PhoneNumbers.Result.Problem problem) {
            return new DestinationCheck.Invalid(problem.problemKey());
        }
        PhoneNumbers.Result.Parsed parsed = (PhoneNumbers.Result.Parsed) result;
        if (!properties.allows(parsed.region())) {
            return new DestinationCheck.Invalid("sms.phone.countryNotAllowed");
        }
        return new DestinationCheck.Valid(parsed.e164(), parsed.international(), parsed.region());
    }

    /** {@code +447400123456} → {@code +44 ••••••• 456} (no-break spaces): the country and the last digits. */
    @Override
    public String masked(String destination) {
        PhoneNumbers.Result result = PhoneNumbers.parse(destination, null);
        if (!(result instanceof PhoneNumbers.Result.Parsed parsed) || destination.length() < 6) {
            return "•••";
        }
        String prefix = "+" + PhoneNumbers.callingCode(parsed.region());
        int hidden = destination.length() - prefix.length() - 3;
        // No-break spaces: the number stays on one line wherever a page wraps it.
        return prefix + "\u00a0" + "•".repeat(Math.max(1, hidden)) + "\u00a0"
                + destination.substring(destination.length() - 3);
    }

    @Override
    public CodeMessage message(User user, String destination, String code, CodePurpose purpose, Instant expiresAt,
                               Duration validity) {
        return new CodeMessage.BySms(new SmsMessage(destination, "verification-code", Map.of(
                "code", code, "purpose", purpose.name(), "minutes", Math.max(1, validity.toMinutes())), expiresAt));
    }
}

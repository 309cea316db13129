package dev.gatehouse.factor.sms;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.gatehouse.factor.DestinationCheck;

/** Phone numbers as people type them, read into E.164 with libphonenumber; and the SMS method's country rule. */
class PhoneNumbersTest {

    @Test
    void parseWhenCommonFormatsThenSameE164AndCountryShownBack() {
        for (String typed : new String[] {"07400 123456", "07400123456", "+44 7400 123456", "+44 (0)7400 123456",
                "0044 7400 123456", "+44-7400-123-456", " 07400 123 456 ", "+44\u00a07400\u00a0123456"}) {
            assertThat(PhoneNumbers.parse(typed, "gb")).as(typed)
                    .isEqualTo(new PhoneNumbers.Result.Parsed("+447400123456", "+44 7400 123456", "GB"));
        }
        assertThat(PhoneNumbers.parse("(415) 555-2671", "US")).isEqualTo(
                new PhoneNumbers.Result.Parsed("+14155552671", "+1 415-555-2671", "US"));
        assertThat(PhoneNumbers.parse("+49 1512 3456789", "FR")).as("a + number ignores the chosen country")
                .isEqualTo(new PhoneNumbers.Result.Parsed("+4915123456789", "+49 1512 3456789", "DE"));
        assertThat(PhoneNumbers.countryName("GB")).isEqualTo("United Kingdom");
        assertThat(PhoneNumbers.callingCode("GB")).isEqualTo(44);
    }

    @Test
    void parseWhenMalformedThenInvalid() {
        for (String typed : new String[] {"abc", "07400 12345x", "+44 12", "++447400123456", "+44 7400 123456 ext 2",
                "+447400123456\r\nX-Header: 1", "+447400123456\n", "<script>", "7400123456;", "\ufffd07400123456"}) {
            assertThat(PhoneNumbers.parse(typed, "GB")).as(typed).isEqualTo(new PhoneNumbers.Result.Problem("sms.phone.invalid"));
        }
    }

    @Test
    void parseWhenUnassignableThenUnassigned() {
        // Well formed, but no such range in the country's plan (Ofcom's drama range, a US area code not in use).
        assertThat(PhoneNumbers.parse("+44 7700 900123", null)).isEqualTo(new PhoneNumbers.Result.Problem("sms.phone.unassigned"));
        assertThat(PhoneNumbers.parse("+1 999 555 0123", null)).isEqualTo(new PhoneNumbers.Result.Problem("sms.phone.unassigned"));
    }

    @Test
    void parseWhenNumberCannotReceiveTextsThenNotMobile() {
        for (String typed : new String[] {"+44 20 7946 0958", "+44 909 090 1234", "+44 800 123 4567",
                "+44 70 0000 0000", "+800 1234 5678"}) {
            assertThat(PhoneNumbers.parse(typed, null)).as(typed).isEqualTo(new PhoneNumbers.Result.Problem("sms.phone.notMobile"));
        }
    }

    @Test
    void parseWhenNationalNumberWithoutCountryThenAskedForIt() {
        assertThat(PhoneNumbers.parse("07400 123456", null)).isEqualTo(new PhoneNumbers.Result.Problem("sms.phone.needCountry"));
        assertThat(PhoneNumbers.parse("07400 123456", "XX")).isEqualTo(new PhoneNumbers.Result.Problem("sms.phone.needCountry"));
    }

    @Test
    void parseWhenEmptyOrOverLongThenSaysSo() {
        assertThat(PhoneNumbers.parse(null, "GB")).isEqualTo(new PhoneNumbers.Result.Problem("sms.phone.required"));
        assertThat(PhoneNumbers.parse("   ", "GB")).isEqualTo(new PhoneNumbers.Result.Problem("sms.phone.required"));
        assertThat(PhoneNumbers.parse("0".repeat(41), "GB")).isEqualTo(new PhoneNumbers.Result.Problem("sms.phone.tooLong"));
        assertThat(PhoneNumbers.parse("0".repeat(100_000), "GB")).isEqualTo(new PhoneNumbers.Result.Problem("sms.phone.tooLong"));
    }

    @Test
    void checkDestinationWhenCountryNotAllowedThenRefusedAtSetupAndBeforeEachSend() {
        SmsCodeMethod onlyIreland = new SmsCodeMethod(null, new SmsProperties(Set.of("ie")));

        assertThat(onlyIreland.checkDestination("07400 123456", "GB"))
                .isEqualTo(new DestinationCheck.Invalid("sms.phone.countryNotAllowed"));
        assertThat(onlyIreland.checkDestination("+447400123456", null)).as("a stored number, checked before a send")
                .isEqualTo(new DestinationCheck.Invalid("sms.phone.countryNotAllowed"));
        assertThat(onlyIreland.checkDestination("+353 85 123 4567", null))
                .isEqualTo(new DestinationCheck.Valid("+353851234567", "+353 85 123 4567", "IE"));
        assertThat(onlyIreland.countries()).extracting(SmsCodeMethod.Country::code).containsExactly("IE");
    }

    @Test
    void countriesWhenAllAllowedThenEveryCountryByName() {
        SmsCodeMethod everywhere = new SmsCodeMethod(null, new SmsProperties(null));

        assertThat(everywhere.countries()).hasSizeGreaterThan(200)
                .contains(new SmsCodeMethod.Country("GB", "United Kingdom", 44));
        assertThat(everywhere.countries().get(0).name()).isEqualTo("Afghanistan");
    }

    @Test
    void maskedWhenStoredNumberThenCountryAndLastDigitsOnly() {
        SmsCodeMethod method = new SmsCodeMethod(null, new SmsProperties(null));

        assertThat(method.masked("+447400123456")).isEqualTo("+44\u00a0•••••••\u00a0456").doesNotContain("7400123");
    }

    @Test
    void smsPropertiesWhenUnknownCountryThenRefusedAtStartup() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SmsProperties(Set.of("GB", "UK")))
                .hasMessageContaining("gatehouse.sms.allowed-countries").hasMessageContaining("UK");
    }

    /** Stop 31: texts to every country through a real gateway are worth a line in the log at start-up. */
    @Test
    void countriesWarningWhenARealGatewayTextsEveryCountryThenSaidAndOtherwiseNot() {
        assertThat(SmsCodeMethod.countriesWarning("twilio", new SmsProperties(null)))
                .hasValueSatisfying(w -> assertThat(w).contains("gatehouse.sms.allowed-countries is empty"));
        assertThat(SmsCodeMethod.countriesWarning("webhook", new SmsProperties(null))).isPresent();
        assertThat(SmsCodeMethod.countriesWarning("webhook", new SmsProperties(Set.of("GB")))).isEmpty();
        assertThat(SmsCodeMethod.countriesWarning("dev-mailbox", new SmsProperties(null))).isEmpty();
        assertThat(SmsCodeMethod.countriesWarning("none", new SmsProperties(null))).isEmpty();
    }
}

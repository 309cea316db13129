package dev.gatehouse.factor.totp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OtpAuthUriTest {

    private static final String KEY = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    @Test
    void toUriWhenDefaultIssuerThenGoogleAuthenticatorFormatWithIssuerInLabelAndParameter() {
        assertThat(new OtpAuthUri("Gatehouse", "ada@example.com", KEY).toUri())
                .isEqualTo("otpauth://totp/Gatehouse:ada%40example.com?secret=" + KEY + "&issuer=Gatehouse");
    }

    @Test
    void toUriWhenSpacesAndSpecialCharactersThenPercentEncodedWithPercentTwenty() {
        String uri = new OtpAuthUri("Acme Sign-in & Co", "o'brien+test@example.com", KEY).toUri();
        assertThat(uri).isEqualTo("otpauth://totp/Acme%20Sign-in%20%26%20Co:o%27brien%2Btest%40example.com?secret="
                + KEY + "&issuer=Acme%20Sign-in%20%26%20Co");
        assertThat(uri).doesNotContain("+").doesNotContain(" ");
    }

    @Test
    void toUriWhenNonAsciiThenUtf8PercentEncoded() {
        assertThat(new OtpAuthUri("Gåtehouse", "zoë@example.com", KEY).toUri())
                .startsWith("otpauth://totp/G%C3%A5tehouse:zo%C3%AB%40example.com?");
    }

    @Test
    void constructorWhenColonInIssuerOrAccountThenRejected() {
        assertThatThrownBy(() -> new OtpAuthUri("Gate:house", "ada@example.com", KEY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("issuer");
        assertThatThrownBy(() -> new OtpAuthUri("Gatehouse", "ada:x@example.com", KEY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("account");
    }

    @Test
    void constructorWhenBlankIssuerOrBadSecretThenRejected() {
        assertThatThrownBy(() -> new OtpAuthUri(" ", "ada@example.com", KEY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("issuer");
        assertThatThrownBy(() -> new OtpAuthUri("Gatehouse", "ada@example.com", KEY + "===="))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("base32Secret");
        assertThatThrownBy(() -> new OtpAuthUri("Gatehouse", "ada@example.com", KEY.toLowerCase()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("base32Secret");
        assertThatThrownBy(() -> new OtpAuthUri("Gatehouse", null, KEY))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("account");
    }
}

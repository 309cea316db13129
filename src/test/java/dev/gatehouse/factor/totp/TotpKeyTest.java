package dev.gatehouse.factor.totp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.apache.commons.codec.binary.Base32;
import org.junit.jupiter.api.Test;

class TotpKeyTest {

    @Test
    void base32WhenRfcSeedThenValueFromTheVectorsFile() {
        assertThat(TotpKey.base32("12345678901234567890".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    }

    @Test
    void newSecretWhenCalledThenTwentyRandomBytesAsThirtyTwoBase32CharactersWithoutPadding() {
        byte[] a = TotpKey.newSecret();
        byte[] b = TotpKey.newSecret();
        assertThat(a).hasSize(20);
        assertThat(a).isNotEqualTo(b);
        String base32 = TotpKey.base32(a);
        assertThat(base32).hasSize(32).matches("[A-Z2-7]{32}");
        assertThat(new Base32().decode(base32)).isEqualTo(a);
    }

    @Test
    void base32WhenLengthNotMultipleOfFiveThenNoPadding() {
        assertThat(TotpKey.base32(new byte[] {1, 2, 3})).isEqualTo("AEBAG");
    }

    @Test
    void groupedWhenKeyThenGroupsOfFour() {
        assertThat(TotpKey.grouped("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"))
                .isEqualTo("GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ");
        assertThat(TotpKey.grouped("ABCDEF")).isEqualTo("ABCD EF");
    }
}

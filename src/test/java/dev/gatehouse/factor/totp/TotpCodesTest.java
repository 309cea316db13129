package dev.gatehouse.factor.totp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 4226 / RFC 6238 vectors and the window and replay table of ../shared/reference/otp-test-vectors.md. */
class TotpCodesTest {

    /** ASCII "12345678901234567890", the seed of both RFCs' SHA-1 vectors. */
    static final byte[] RFC_SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    static final Instant T = Instant.ofEpochSecond(1111111111L);
    static final long NEVER = Long.MIN_VALUE;

    @ParameterizedTest(name = "counter {0} -> {1}")
    @CsvSource({"0,755224", "1,287082", "2,359152", "3,969429", "4,338314", "5,254676", "6,287922", "7,162583",
            "8,399871", "9,520489"})
    void codeWhenRfc4226AppendixDCounterThenHotpValue(long counter, String expected) {
        assertThat(TotpCodes.code(RFC_SEED, counter)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "t={0} -> {1}")
    @CsvSource({"59,287082", "1111111109,081804", "1111111111,050471", "1234567890,005924", "2000000000,279037",
            "20000000000,353130"})
    void codeWhenRfc6238AppendixBSha1TimeThenLastSixDigits(long epochSeconds, String expected) {
        assertThat(TotpCodes.code(RFC_SEED, TotpCodes.step(Instant.ofEpochSecond(epochSeconds)))).isEqualTo(expected);
    }

    @Test
    void stepWhenRfc6238TimesThenTheirHexT() {
        assertThat(TotpCodes.step(Instant.ofEpochSecond(59))).isEqualTo(0x1L);
        assertThat(TotpCodes.step(Instant.ofEpochSecond(1111111111L))).isEqualTo(0x23523EDL);
        assertThat(TotpCodes.step(Instant.ofEpochSecond(20000000000L))).isEqualTo(0x27BC86AAL);
    }

    @ParameterizedTest(name = "step T{0}: {1} -> accepted={2}")
    @CsvSource({"-2,731029,false", "-1,081804,true", "0,050471,true", "1,266759,true", "2,306183,false"})
    void matchingStepWhenWithinOneStepEitherSideThenAcceptedElseRejected(int offset, String code, boolean accepted) {
        assertThat(TotpCodes.code(RFC_SEED, TotpCodes.step(T) + offset)).isEqualTo(code);
        OptionalLong step = TotpCodes.matchingStep(RFC_SEED, code, T, NEVER);
        if (accepted) {
            assertThat(step).hasValue(TotpCodes.step(T) + offset);
        } else {
            assertThat(step).isEmpty();
        }
    }

    @Test
    void matchingStepWhenCodeAcceptedThenOlderStepAndSameStepRejected() {
        OptionalLong first = TotpCodes.matchingStep(RFC_SEED, "050471", T, NEVER);
        assertThat(first).hasValue(TotpCodes.step(T));

        assertThat(TotpCodes.matchingStep(RFC_SEED, "081804", T, first.getAsLong())).as("older step").isEmpty();
        assertThat(TotpCodes.matchingStep(RFC_SEED, "050471", T, first.getAsLong())).as("replay").isEmpty();
        assertThat(TotpCodes.matchingStep(RFC_SEED, "266759", T, first.getAsLong())).as("newer step")
                .hasValue(TotpCodes.step(T) + 1);
    }

    @Test
    void matchingStepWhenSpacesBetweenDigitsThenAccepted() {
        assertThat(TotpCodes.matchingStep(RFC_SEED, "050 471", T, NEVER)).hasValue(TotpCodes.step(T));
        assertThat(TotpCodes.matchingStep(RFC_SEED, " 050471 ", T, NEVER)).hasValue(TotpCodes.step(T));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"50471", "0504710", "05047l", "-50471", "+50471", "０５０４７１", "050471\n",
            "05047100000000000000000000"})
    void matchingStepWhenNotSixDigitsThenRejectedWithoutThrowing(String response) {
        assertThat(TotpCodes.matchingStep(RFC_SEED, response, T, NEVER)).isEmpty();
    }
}

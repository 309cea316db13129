package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

/**
 * {@code Retry-After}: a client that waits that many seconds is never early. Found by a rare failure of
 * {@code ApiAccessOnH2Test}: with a clock at whole microseconds, a wait of 1.0004 s was rounded from its whole
 * milliseconds to 1 s, and the retry came 0.4 ms before the window ended.
 */
class TooManyRequestsTest {

    private static final Instant NOW = Instant.parse("2026-12-07T00:00:58.999600Z");

    @Test
    void secondsUntilWhenAnyFractionOfASecondIsLeftThenRoundedUp() {
        assertThat(TooManyRequests.secondsUntil(NOW, NOW.plusSeconds(1).plusNanos(400_000))).isEqualTo(2);
        assertThat(TooManyRequests.secondsUntil(NOW, NOW.plusNanos(1))).isEqualTo(1);
        assertThat(TooManyRequests.secondsUntil(NOW, NOW.plusSeconds(59).plusNanos(1))).isEqualTo(60);
    }

    @Test
    void secondsUntilWhenWholeSecondsOrNothingIsLeftThenThoseSecondsAndAtLeastOne() {
        assertThat(TooManyRequests.secondsUntil(NOW, NOW.plusSeconds(30))).isEqualTo(30);
        assertThat(TooManyRequests.secondsUntil(NOW, NOW)).isEqualTo(1);
        assertThat(TooManyRequests.secondsUntil(NOW, NOW.minusSeconds(5))).isEqualTo(1);
    }

    @Test
    void secondsUntilWhenWaitedThatLongThenTheEndHasCome() {
        Instant until = Instant.parse("2026-12-07T00:01:00Z");
        for (long micros = 0; micros < 60_000_000; micros += 1_234_567) {
            Instant now = until.minusNanos(micros * 1000 + 400_000);
            assertThat(now.plusSeconds(TooManyRequests.secondsUntil(now, until))).as(now.toString())
                    .isAfterOrEqualTo(until);
        }
    }
}

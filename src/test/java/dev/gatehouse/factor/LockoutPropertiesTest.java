package dev.gatehouse.factor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class LockoutPropertiesTest {

    final LockoutProperties defaults = new LockoutProperties(6, Duration.ofMinutes(5), Duration.ofHours(1), 100);

    @Test
    void lockDurationWhenDefaultsThenFiveMinutesDoublingCappedAtOneHour() {
        assertThat(IntStream.range(0, 6).mapToObj(defaults::lockDuration).map(Duration::toMinutes))
                .containsExactly(5L, 10L, 20L, 40L, 60L, 60L);
    }

    @Test
    void lockDurationWhenManyLocksThenStillCappedWithoutOverflow() {
        assertThat(defaults.lockDuration(1_000)).isEqualTo(Duration.ofHours(1));
        assertThat(defaults.lockDuration(Integer.MAX_VALUE)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void constructorWhenSuspendBelowMaxFailuresOrNoAttemptsThenRejected() {
        assertThatThrownBy(() -> new LockoutProperties(6, Duration.ofMinutes(5), Duration.ofHours(1), 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gatehouse.lockout");
        assertThatThrownBy(() -> new LockoutProperties(0, Duration.ofMinutes(5), Duration.ofHours(1), 100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gatehouse.lockout");
    }

    @Test
    void constructorWhenNonPositiveWaitsOrMaxBelowFirstThenRejected() {
        assertThatThrownBy(() -> new LockoutProperties(6, Duration.ZERO, Duration.ofHours(1), 100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("first-lock");
        assertThatThrownBy(() -> new LockoutProperties(6, Duration.ofMinutes(5), Duration.ofMinutes(1), 100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max-lock");
    }
}

package dev.gatehouse.testsupport;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * Replaces the system clock with a {@link MutableClock} that starts at the real time (cookies and the browser live
 * in real time) and moves only when a test says so.
 */
@TestConfiguration(proxyBeanMethods = false)
public class TestClockConfiguration {

    @Bean
    @Primary
    MutableClock testClock() {
        // Whole microseconds, as the databases store them: with a clock that stands still, a time the database
        // rounded up (e.g. an outbox row's next attempt) would otherwise stay in the future for ever.
        return new MutableClock(Clock.systemUTC().instant().truncatedTo(ChronoUnit.MICROS));
    }

    public static Instant realNow() {
        return Clock.systemUTC().instant();
    }
}

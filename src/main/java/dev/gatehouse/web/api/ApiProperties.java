package dev.gatehouse.web.api;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The REST API's settings (docs/configuration.md, "REST API").
 *
 * @param requestsPerMinute      requests each API client may make per minute (a fixed window shared by all nodes);
 *                               more answer 429 with {@code Retry-After}; default 600
 * @param idempotencyKeyLifetime how long an {@code Idempotency-Key} is remembered with its first answer; default 24h
 */
@ConfigurationProperties("gatehouse.api")
public record ApiProperties(@DefaultValue("600") int requestsPerMinute,
                            @DefaultValue("24h") Duration idempotencyKeyLifetime) {

    public ApiProperties {
        if (requestsPerMinute < 1) {
            throw new IllegalArgumentException("gatehouse.api.requests-per-minute must be at least 1");
        }
        if (idempotencyKeyLifetime == null || idempotencyKeyLifetime.isNegative() || idempotencyKeyLifetime.isZero()) {
            throw new IllegalArgumentException("gatehouse.api.idempotency-key-lifetime must be a positive duration");
        }
    }
}

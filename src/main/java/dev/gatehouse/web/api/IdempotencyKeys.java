package dev.gatehouse.web.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.gatehouse.crypto.SecretSealer;
import dev.gatehouse.system.Db;

/**
 * The stored first answers of API requests sent with an {@code Idempotency-Key} (V27), per client and key. A key is
 * claimed with one insert, so of two requests racing with the same key exactly one runs; the other is told the first
 * is still running. Nothing here reads and then writes in Java. A stored answer's body is sealed (an application's
 * secret is in the answer that registered it), bound to its client and key, and opened only to replay it to them.
 */
@Component
class IdempotencyKeys {

    /** A claimed key whose request never finished (the node stopped) may be claimed again after this long. */
    static final Duration ABANDONED_AFTER = Duration.ofMinutes(5);

    private final JdbcClient jdbc;
    private final Clock clock;
    private final ApiProperties properties;
    private final SecretSealer sealer;

    IdempotencyKeys(JdbcClient jdbc, Clock clock, ApiProperties properties, SecretSealer sealer) {
        this.sealer = sealer;
        this.jdbc = jdbc;
        this.clock = clock;
        this.properties = properties;
    }

    /** The first answer, to send again. */
    record Answer(int status, String contentType, String location, String body) {
    }

    sealed interface Claim {
        /** The key is new: run the request, then {@link #finish} or {@link #release}. */
        record Claimed() implements Claim {
        }

        /** The same request was answered already. */
        record Replay(Answer answer) implements Claim {
        }

        /** The key was used for another request (another body or path). */
        record Reused() implements Claim {
        }

        /** The first request with this key is still running. */
        record Running() implements Claim {
        }
    }

    Claim claim(String clientId, String key, String requestHash) {
        Instant now = clock.instant();
        jdbc.sql("""
                delete from api_idempotency_keys where client_id = ? and idempotency_key = ?
                and (created_at < ? or (status is null and created_at < ?))""")
                .params(clientId, key, Db.ts(now.minus(properties.idempotencyKeyLifetime())),
                        Db.ts(now.minus(ABANDONED_AFTER))).update();
        int claimed = jdbc.sql("""
                insert into api_idempotency_keys (client_id, idempotency_key, request_hash, created_at)
                values (?, ?, ?, ?) on conflict do nothing""")
                .params(clientId, key, requestHash, Db.ts(now)).update();
        if (claimed == 1) {
            return new Claim.Claimed();
        }
        Optional<Stored> stored = jdbc.sql("""
                select request_hash, status, content_type, location, body from api_idempotency_keys
                where client_id = ? and idempotency_key = ?""")
                .params(clientId, key)
                .query((rs, n) -> new Stored(rs.getString(1), (Integer) rs.getObject(2), rs.getString(3),
                        rs.getString(4), rs.getString(5)))
                .optional();
        if (stored.isEmpty()) {
            // Released between our insert and our read: the caller may simply retry.
            return new Claim.Running();
        }
        Stored row = stored.get();
        if (!row.hash().equals(requestHash)) {
            return new Claim.Reused();
        }
        if (row.status() == null) {
            return new Claim.Running();
        }
        String body = row.body() == null ? null
                : new String(sealer.open(row.body(), context(clientId, key)), java.nio.charset.StandardCharsets.UTF_8);
        return new Claim.Replay(new Answer(row.status(), row.contentType(), row.location(), body));
    }

    private record Stored(String hash, Integer status, String contentType, String location, String body) {
    }

    void finish(String clientId, String key, Answer answer) {
        jdbc.sql("""
                update api_idempotency_keys set status = ?, content_type = ?, location = ?, body = ?
                where client_id = ? and idempotency_key = ?""")
                .params(answer.status(), answer.contentType(), answer.location(), answer.body() == null ? null
                        : sealer.seal(answer.body().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        context(clientId, key)), clientId, key)
                .update();
    }

    private static String context(String clientId, String key) {
        return "api-idempotency:" + clientId + ":" + key;
    }

    /** Forgets a claim whose request did not end in an answer worth repeating, so that a retry runs again. */
    void release(String clientId, String key) {
        jdbc.sql("delete from api_idempotency_keys where client_id = ? and idempotency_key = ? and status is null")
                .params(clientId, key).update();
    }

    @Scheduled(initialDelayString = "PT3M", fixedDelayString = "PT1H")
    int deleteExpired() {
        return jdbc.sql("delete from api_idempotency_keys where created_at < ?")
                .param(Db.ts(clock.instant().minus(properties.idempotencyKeyLifetime()))).update();
    }
}

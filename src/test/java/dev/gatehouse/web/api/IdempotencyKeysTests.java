package dev.gatehouse.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.gatehouse.testsupport.Race;

/**
 * The store behind {@code Idempotency-Key} on H2 and PostgreSQL: one claim per client and key, even for requests that
 * race; the same request replays the first answer, another request is told the key is used; a released or expired
 * key runs again.
 */
abstract class IdempotencyKeysTests extends ApiSupport {

    IdempotencyKeys keys() {
        return ctx.getBean(IdempotencyKeys.class);
    }

    @Test
    void claimWhenKeyNewThenClaimedThenReplayedForTheSameRequestAndReusedForAnother() {
        String client = "client-" + UUID.randomUUID();
        IdempotencyKeys.Answer answer = new IdempotencyKeys.Answer(201, "application/json", "/api/v1/x", "{\"a\":1}");
        assertThat(keys().claim(client, "k1", "hash-a")).isInstanceOf(IdempotencyKeys.Claim.Claimed.class);
        assertThat(keys().claim(client, "k1", "hash-a")).isInstanceOf(IdempotencyKeys.Claim.Running.class);
        keys().finish(client, "k1", answer);

        assertThat(keys().claim(client, "k1", "hash-a")).isEqualTo(new IdempotencyKeys.Claim.Replay(answer));
        assertThat(keys().claim(client, "k1", "hash-b")).isInstanceOf(IdempotencyKeys.Claim.Reused.class);
        assertThat(keys().claim("another-" + client, "k1", "hash-b"))
                .as("keys are per client").isInstanceOf(IdempotencyKeys.Claim.Claimed.class);
    }

    @Test
    void claimWhenReleasedOrExpiredThenClaimedAgain() {
        String client = "client-" + UUID.randomUUID();
        assertThat(keys().claim(client, "k", "h")).isInstanceOf(IdempotencyKeys.Claim.Claimed.class);
        keys().release(client, "k");
        assertThat(keys().claim(client, "k", "h")).isInstanceOf(IdempotencyKeys.Claim.Claimed.class);
        keys().finish(client, "k", new IdempotencyKeys.Answer(200, null, null, ""));

        clock().advance(ctx.getBean(ApiProperties.class).idempotencyKeyLifetime().plusSeconds(1));
        assertThat(keys().claim(client, "k", "other")).isInstanceOf(IdempotencyKeys.Claim.Claimed.class);

        clock().advance(ctx.getBean(ApiProperties.class).idempotencyKeyLifetime().plusSeconds(1));
        assertThat(keys().deleteExpired()).isPositive();
        assertThat(jdbc().sql("select count(*) from api_idempotency_keys where client_id = ?").param(client)
                .query(Long.class).single()).isZero();
    }

    @Test
    void claimWhenAbandonedWhileRunningThenClaimedAgainAfterAWhile() {
        String client = "client-" + UUID.randomUUID();
        assertThat(keys().claim(client, "k", "h")).isInstanceOf(IdempotencyKeys.Claim.Claimed.class);
        clock().advance(IdempotencyKeys.ABANDONED_AFTER.plus(Duration.ofSeconds(1)));
        assertThat(keys().claim(client, "k", "h")).isInstanceOf(IdempotencyKeys.Claim.Claimed.class);
    }

    @Test
    void claimWhenTwentyRequestsRaceWithOneKeyThenExactlyOneRuns() throws Exception {
        String client = "client-" + UUID.randomUUID();
        List<IdempotencyKeys.Claim> claims = Race.run(20, i -> keys().claim(client, "race", "h"));
        assertThat(claims).filteredOn(IdempotencyKeys.Claim.Claimed.class::isInstance).hasSize(1);
        assertThat(claims).filteredOn(IdempotencyKeys.Claim.Running.class::isInstance).hasSize(19);
        assertThat(List.of(keys().claim(client, "race", "h"))).singleElement()
                .isInstanceOf(IdempotencyKeys.Claim.Running.class);
    }
}

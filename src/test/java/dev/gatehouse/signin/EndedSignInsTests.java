package dev.gatehouse.signin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.gatehouse.system.Db;
import dev.gatehouse.testsupport.TestUsers;

/**
 * A sign-in ended on its own is remembered as long as a copy of its session or an application's authorization from
 * it could still be used (the session's absolute lifetime, and a day), then deleted; nothing younger goes (H2 and
 * PostgreSQL). "Now" is the real time plus a margin, so that the rows other tests write are never in reach.
 */
abstract class EndedSignInsTests {

    @Autowired
    ApplicationContext ctx;

    @Autowired
    JdbcClient jdbc;

    @Test
    void deleteEndedSignInsWhenEndedLongerAgoThanASessionCanLastAndADayThenDeletedAndYoungerKept() {
        UUID user = new TestUsers(ctx).create("ended-sign-ins").user().id();
        Duration lifetime = ctx.getBean(SessionProperties.class).absoluteLifetime();
        Instant now = Instant.now().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS);
        Duration kept = lifetime.plus(Duration.ofDays(1));
        ended(user, "long-ago", now.minus(kept).minusSeconds(1));
        ended(user, "just-in-reach", now.minus(kept).plusSeconds(1));
        ended(user, "recent", now.minus(Duration.ofMinutes(5)));

        new EndedSignIns(jdbc, ctx.getBean(SessionProperties.class), Clock.fixed(now, ZoneOffset.UTC)).deleteOld();
        Sessions sessions = ctx.getBean(Sessions.class);

        assertThat(jdbc.sql("select sign_in from ended_sign_ins where user_id = ? order by sign_in").param(user)
                .query(String.class).list()).isEqualTo(List.of("just-in-reach", "recent"));
        assertThat(sessions.stillCurrent(user, 0, "recent")).as("a remembered one is still refused").isFalse();
        assertThat(sessions.stillCurrent(user, 0, "long-ago")).as("once deleted, nothing refers to it").isTrue();
    }

    private void ended(UUID user, String signIn, Instant at) {
        jdbc.sql("insert into ended_sign_ins (sign_in, user_id, ended_at) values (?, ?, ?)")
                .params(signIn, user, Db.ts(at)).update();
    }
}

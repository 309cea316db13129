package dev.gatehouse.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.gatehouse.notify.EmailMessage;
import dev.gatehouse.system.ClientInfo;

class SecurityNoticeTest {

    private final User ada = new User(UUID.randomUUID(), "ada@example.com", "Ada", null, Instant.EPOCH);
    private final ClientInfo client = new ClientInfo("203.0.113.7", "Mozilla/5.0 (Windows NT 10.0) Firefox/140.0");

    @Test
    void noticeWhenMadeThenNameTimeBrowserAndAddressAlwaysThereBesideTheDetails() {
        Instant when = Instant.parse("2026-12-04T10:15:30Z");
        EmailMessage email = SecurityNotice.of(ada, "factor-disabled", when, client, Map.of("method", "Email codes"));

        assertThat(email.to()).isEqualTo("ada@example.com");
        assertThat(email.template()).isEqualTo("factor-disabled");
        assertThat(email.variables()).containsEntry("displayName", "Ada").containsEntry("when", when)
                .containsEntry("ip", "203.0.113.7").containsEntry("browser", client.browser())
                .containsEntry("method", "Email codes");
    }

    @Test
    void noticeWhenDetailsNameACommonValueThenRefused() {
        assertThatThrownBy(() -> SecurityNotice.of(ada, "factor-disabled", Instant.EPOCH, client,
                Map.of("ip", "198.51.100.1"))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ip");
    }
}

package dev.gatehouse.user;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class UserTest {

    private static User user(String email, String displayName) {
        return new User(UUID.randomUUID(), email, displayName, Instant.EPOCH, Instant.EPOCH);
    }

    /**
     * A notice names who did something by name and address: an admin renamed "Olivia" after the owner read as her in
     * every email (an outside attack in stop 38), since a display name is anyone's to choose.
     */
    @Test
    void namedWhenANoticeSaysWhoDidItThenTheNameAndTheAddress() {
        assertThat(user("adam@example.com", "Olivia").named()).isEqualTo("adam@example.com (Olivia)");
        assertThat(user("adam@example.com", "adam@example.com").named()).isEqualTo("adam@example.com");
        assertThat(user("adam@example.com", " ").named()).isEqualTo("adam@example.com");
        // A name that could pass for another address, or turn the line around on screen: the address alone.
        assertThat(user("adam@example.com", "Olivia <olivia@corp.example>").named()).isEqualTo("adam@example.com");
        assertThat(user("adam@example.com", "olivia@corp.example").named()).isEqualTo("adam@example.com");
        assertThat(user("adam@example.com", "Olivia\u202E").named()).isEqualTo("adam@example.com");
        assertThat(user("adam@example.com", "olivia\uFF20corp.example").named()).as("a full-width @")
                .isEqualTo("adam@example.com");
        assertThat(user("adam@example.com", "Olivia\u2028for olivia").named()).as("a line separator")
                .isEqualTo("adam@example.com");
        assertThat(user("adam@example.com", "Ada Lovelace-Byron").named()).isEqualTo("adam@example.com (Ada Lovelace-Byron)");
    }
}

package dev.gatehouse.user;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordPolicyTest {

    private final PasswordPolicy policy = new PasswordPolicy(new PasswordProperties(8, 128,
            new PasswordProperties.Argon2(64, 1, 1),
            new PasswordProperties.Throttle(10, java.time.Duration.ofMinutes(1), java.time.Duration.ofMinutes(15),
                    new PasswordProperties.Throttle.Network(java.time.Duration.ofMinutes(10), 30, 300)),
            new PasswordProperties.Hashing(0, 64, java.time.Duration.ofSeconds(2))));

    @Test
    void problemWhenShorterThanEightCharactersThenTooShort() {
        assertThat(policy.problem("Zx9!kq7")).contains("password.tooShort");
        assertThat(policy.problem("")).contains("password.required");
        assertThat(policy.problem(null)).contains("password.required");
    }

    @Test
    void problemWhenLongerThan128CharactersThenTooLong() {
        assertThat(policy.problem("a1".repeat(64) + "x")).contains("password.tooLong");
        assertThat(policy.problem("correct horse battery staple ".repeat(5).substring(0, 128))).isEmpty();
    }

    @Test
    void problemCountsCharactersNotBytes() {
        // Eight emoji are 16 UTF-16 units and 32 UTF-8 bytes, but eight characters: long enough.
        assertThat(policy.problem("🙂🐘🌋🎻🧭🪁🦉🍋")).isEmpty();
        assertThat(policy.problem("ünïcødé")).contains("password.tooShort");
    }

    @Test
    void problemWhenOnCommonListThenRejectedInAnyCase() {
        assertThat(policy.problem("password1")).contains("password.common");
        assertThat(policy.problem("PassWord1")).contains("password.common");
        assertThat(policy.problem("qwertyuiop")).contains("password.common");
        assertThat(policy.problem("iloveyou")).contains("password.common");
    }

    @Test
    void problemWhenNoCompositionThenStillAccepted() {
        assertThat(policy.problem("lantern orbit meadow")).isEmpty();
        assertThat(policy.problem("                  ")).isEmpty();
    }

    @Test
    void commonListIsTheShippedOne() {
        assertThat(policy.commonCount()).isGreaterThan(11_000);
    }
}

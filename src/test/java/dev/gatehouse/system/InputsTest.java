package dev.gatehouse.system;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InputsTest {

    @Test
    void emailProblemWhenPlainAddressThenNone() {
        assertThat(Inputs.emailProblem("ada@example.com")).isEmpty();
        assertThat(Inputs.emailProblem("  Zoë.Ünal+tag@exämple.org ")).isEmpty();
    }

    @Test
    void emailProblemWhenHeaderInjectionThenInvalid() {
        assertThat(Inputs.emailProblem("ada@example.com\r\nBcc: eve@example.com")).contains("input.email.invalid");
        assertThat(Inputs.emailProblem("ada@example.com\nX")).contains("input.email.invalid");
    }

    @Test
    void emailProblemWhenMalformedThenInvalid() {
        assertThat(Inputs.emailProblem("")).contains("input.email.required");
        assertThat(Inputs.emailProblem("ada")).contains("input.email.invalid");
        assertThat(Inputs.emailProblem("ada@localhost")).contains("input.email.invalid");
        assertThat(Inputs.emailProblem("a@b@c.d")).contains("input.email.invalid");
        assertThat(Inputs.emailProblem("x".repeat(250) + "@a.io")).contains("input.email.tooLong");
        assertThat(Inputs.emailProblem("ad\uFFFDa@example.com")).contains("input.email.invalid");
    }

    @Test
    void nameProblemWhenTenKilobytesThenTooLong() {
        assertThat(Inputs.nameProblem("n".repeat(10_240))).contains("input.name.tooLong");
        assertThat(Inputs.nameProblem("n".repeat(100))).isEmpty();
    }

    @Test
    void nameProblemWhenBrokenUtf8ReplacementCharacterThenInvalid() {
        assertThat(Inputs.nameProblem("Ada \uFFFD Lovelace")).contains("input.name.invalid");
        assertThat(Inputs.nameProblem("Ada\u0000")).contains("input.name.invalid");
        assertThat(Inputs.nameProblem("   ")).contains("input.name.required");
    }

    @Test
    void normalizeEmailLowercasesAndTrims() {
        assertThat(Inputs.normalizeEmail("  Ada@Example.COM ")).isEqualTo("ada@example.com");
    }
}

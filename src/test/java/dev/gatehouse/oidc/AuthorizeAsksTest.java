package dev.gatehouse.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** What an authorization request asks (OpenID Connect Core 3.1.2.1), and the level a session reaches at a fixed time. */
class AuthorizeAsksTest {

    static final Instant T = Instant.parse("2026-12-05T10:00:00Z");
    static final Duration FRESH = Duration.ofMinutes(5);

    static AuthorizeAsks asks(Map<String, String> parameters) {
        return AuthorizeAsks.of(parameters::get);
    }

    @Test
    void ofWhenPromptHasSeveralWordsThenEachIsSeen() {
        AuthorizeAsks asks = asks(Map.of("prompt", " login  consent "));
        assertThat(asks.login()).isTrue();
        assertThat(asks.none()).isFalse();
        assertThat(asks(Map.of("prompt", "none")).none()).isTrue();
    }

    @Test
    void ofWhenMaxAgeIsAnyRunOfDigitsThenItsSecondsAndOtherwiseTheRequestIsMalformed() {
        assertThat(asks(Map.of("max_age", "300")).maxAge()).isEqualTo(300L);
        assertThat(asks(Map.of("max_age", "0")).maxAge()).isZero();
        assertThat(asks(Map.of("max_age", "0000000000")).maxAge()).isZero();
        assertThat(asks(Map.of("max_age", "00000000001")).maxAge()).isEqualTo(1L);
        assertThat(asks(Map.of("max_age", "99999999999")).maxAge()).isEqualTo(AuthorizeAsks.LONGEST_MAX_AGE);
        assertThat(asks(Map.of()).maxAge()).isNull();
        assertThat(AuthorizeAsks.malformed(Map.of("max_age", "300")::get)).isFalse();
        assertThat(AuthorizeAsks.malformed(Map.<String, String>of()::get)).isFalse();
        for (String malformed : new String[] {"-1", "+0", " 0", "0 ", "0\t", "1e9", "0x0", "0.0", "", "\u0660"}) {
            assertThat(AuthorizeAsks.malformed(Map.of("max_age", malformed)::get)).as(malformed).isTrue();
            assertThat(asks(Map.of("max_age", malformed)).maxAge()).as(malformed).isNull();
        }
    }

    @Test
    void weakestAcceptedWhenSeveralLevelsAndUnknownOnesThenTheWeakestKnown() {
        assertThat(asks(Map.of("acr_values", "urn:gatehouse:acr:mfa-now urn:other:gold urn:gatehouse:acr:mfa"))
                .weakestAccepted()).contains(Acr.MFA);
        assertThat(asks(Map.of("acr_values", "urn:other:gold")).weakestAccepted()).isEmpty();
        assertThat(asks(Map.of()).weakestAccepted()).isEmpty();
    }

    @Test
    void reachedWhenFactorProvedThenMfaNowUntilTheFreshWindowEndsThenMfa() {
        List<String> amr = List.of("pwd", "otp", "mfa");
        assertThat(Acr.reached(T, amr, T, FRESH)).isEqualTo(Acr.MFA_NOW);
        assertThat(Acr.reached(T, amr, T.plus(FRESH).minusNanos(1), FRESH)).isEqualTo(Acr.MFA_NOW);
        assertThat(Acr.reached(T, amr, T.plus(FRESH), FRESH)).isEqualTo(Acr.MFA);
    }

    @Test
    void reachedWhenTrustedDeviceThenMfaNeverMfaNow() {
        assertThat(Acr.reached(null, List.of("pwd", Acr.TRUSTED_DEVICE_AMR), T, FRESH)).isEqualTo(Acr.MFA);
        assertThat(Acr.reached(null, List.of("pwd"), T, FRESH)).isEqualTo(Acr.PASSWORD);
        assertThat(Acr.PASSWORD.below(Acr.MFA)).isTrue();
        assertThat(Acr.MFA_NOW.below(Acr.MFA)).isFalse();
    }
}

package dev.gatehouse.factor.webauthn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.yubico.webauthn.data.ByteArray;

import dev.gatehouse.factor.webauthn.WebAuthnCeremonies.Account;
import dev.gatehouse.factor.webauthn.WebAuthnCeremonies.AssertionOutcome;
import dev.gatehouse.factor.webauthn.WebAuthnCeremonies.RegistrationOutcome;
import dev.gatehouse.system.GatehouseProperties;
import dev.gatehouse.testsupport.SoftAuthenticator;

/**
 * The ceremonies on Yubico's relying party, without a database: what is checked, and that a ceremony only ever knows
 * the credentials of the user doing it.
 */
class WebAuthnCeremoniesTest {

    static final String ORIGIN = "https://sign-in.example.com";
    static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    static WebAuthnCeremonies ceremonies(String rpId, Set<String> origins, boolean anyPort, String appId) {
        return new WebAuthnCeremonies(new WebAuthnProperties(rpId, origins, anyPort, appId, "direct", "preferred",
                Duration.ofMinutes(5)), new GatehouseProperties("Gatehouse", ORIGIN, Path.of("data")));
    }

    private final WebAuthnCeremonies ceremonies = ceremonies("example.com", Set.of(ORIGIN), false, null);

    /** A user with their credentials, as the service would hand them to the ceremonies. */
    static final class TestUser {
        final UUID id = UUID.randomUUID();
        final Account account;
        final List<WebAuthnCredential> credentials = new ArrayList<>();

        TestUser(String email) {
            byte[] handle = new byte[32];
            new java.security.SecureRandom().nextBytes(handle);
            account = new Account(email, "Ada", new ByteArray(handle));
        }

        WebAuthnCredential add(RegistrationOutcome.Registered r) {
            WebAuthnCredential c = new WebAuthnCredential(UUID.randomUUID(), UUID.randomUUID(), id, r.credentialId(),
                    r.publicKeyCose(), null, r.signatureCount(), r.aaguid(), r.attestationFormat(), r.transports(),
                    r.kind(), "key", false, NOW, null);
            credentials.add(c);
            return c;
        }

        void replace(WebAuthnCredential old, WebAuthnCredential updated) {
            credentials.set(credentials.indexOf(old), updated);
        }
    }

    private RegistrationOutcome.Registered register(TestUser user, SoftAuthenticator key) {
        PendingCeremony pending = ceremonies.startRegistration(user.id, user.account, user.credentials, NOW);
        RegistrationOutcome outcome = ceremonies.finishRegistration(pending, user.account, user.credentials,
                key.register(pending.browserJson()));
        assertThat(outcome).isInstanceOf(RegistrationOutcome.Registered.class);
        RegistrationOutcome.Registered registered = (RegistrationOutcome.Registered) outcome;
        user.add(registered);
        return registered;
    }

    private PendingCeremony startSignIn(TestUser user) {
        return ceremonies.startAssertion(user.id, PendingCeremony.Purpose.SIGN_IN, user.account, user.credentials, NOW);
    }

    @Test
    void startWhenEitherCeremonyThenChallengeIsAtLeast16FreshBytes() {
        TestUser ada = new TestUser("ada@example.com");
        PendingCeremony first = ceremonies.startRegistration(ada.id, ada.account, ada.credentials, NOW);
        PendingCeremony second = ceremonies.startRegistration(ada.id, ada.account, ada.credentials, NOW);
        register(ada, new SoftAuthenticator(ORIGIN));
        PendingCeremony signIn = startSignIn(ada);
        for (PendingCeremony p : List.of(first, second, signIn)) {
            byte[] challenge = java.util.Base64.getUrlDecoder().decode(SoftAuthenticator.challengeOf(p.browserJson()));
            assertThat(challenge.length).isGreaterThanOrEqualTo(16);
        }
        assertThat(SoftAuthenticator.challengeOf(first.browserJson()))
                .isNotEqualTo(SoftAuthenticator.challengeOf(second.browserJson()));
        assertThat(first.expiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(6)));
    }

    @Test
    void startRegistrationWhenUserHasKeysThenTheyAreExcludedAndTheUserIsNamed() {
        TestUser ada = new TestUser("ada@example.com");
        RegistrationOutcome.Registered key = register(ada, new SoftAuthenticator(ORIGIN));
        PendingCeremony pending = ceremonies.startRegistration(ada.id, ada.account, ada.credentials, NOW);
        assertThat(pending.browserJson()).startsWith("{\"publicKey\":").contains("\"excludeCredentials\"",
                key.credentialId(), "\"name\":\"ada@example.com\"", "\"id\":\"example.com\"",
                "\"attestation\":\"direct\"", "\"userVerification\":\"preferred\"");
    }

    @Test
    void finishRegistrationWhenSecurityKeyThenStoresKeyFormatTransportsAndKind() {
        TestUser ada = new TestUser("ada@example.com");
        RegistrationOutcome.Registered key = register(ada, new SoftAuthenticator(ORIGIN).withFormat("packed"));
        assertThat(key.attestationFormat()).isEqualTo("packed");
        assertThat(key.aaguid()).isEqualTo("0".repeat(32));
        assertThat(key.transports()).containsExactly("usb");
        assertThat(key.kind()).isEqualTo(CredentialKind.SECURITY_KEY);
        RegistrationOutcome.Registered platform = register(ada, new SoftAuthenticator(ORIGIN).asPlatform());
        assertThat(platform.kind()).isEqualTo(CredentialKind.THIS_DEVICE);
        assertThat(platform.attestationFormat()).isEqualTo("none");
    }

    @Test
    void finishRegistrationWhenWrongOriginThenNotVerified() {
        TestUser ada = new TestUser("ada@example.com");
        PendingCeremony pending = ceremonies.startRegistration(ada.id, ada.account, ada.credentials, NOW);
        RegistrationOutcome outcome = ceremonies.finishRegistration(pending, ada.account, ada.credentials,
                new SoftAuthenticator(ORIGIN).withOrigin("https://sign-in.example.com.evil.example")
                        .register(pending.browserJson()));
        assertThat(outcome).isInstanceOfSatisfying(RegistrationOutcome.Rejected.class,
                r -> assertThat(r.problem()).isEqualTo(WebAuthnProblem.NOT_VERIFIED));
    }

    @Test
    void finishRegistrationWhenOriginDiffersOnlyInPortThenRefusedUnlessPortsAreAllowed() {
        TestUser ada = new TestUser("ada@example.com");
        SoftAuthenticator otherPort = new SoftAuthenticator("https://sign-in.example.com:8443");
        PendingCeremony pending = ceremonies.startRegistration(ada.id, ada.account, ada.credentials, NOW);
        assertThat(ceremonies.finishRegistration(pending, ada.account, ada.credentials,
                otherPort.register(pending.browserJson()))).isInstanceOf(RegistrationOutcome.Rejected.class);

        WebAuthnCeremonies anyPort = ceremonies("example.com", Set.of(ORIGIN), true, null);
        PendingCeremony again = anyPort.startRegistration(ada.id, ada.account, ada.credentials, NOW);
        assertThat(anyPort.finishRegistration(again, ada.account, ada.credentials,
                otherPort.register(again.browserJson()))).isInstanceOf(RegistrationOutcome.Registered.class);
    }

    @Test
    void finishRegistrationWhenChallengeOfAnotherCeremonyThenNotVerified() {
        TestUser ada = new TestUser("ada@example.com");
        PendingCeremony mine = ceremonies.startRegistration(ada.id, ada.account, ada.credentials, NOW);
        PendingCeremony other = ceremonies.startRegistration(ada.id, ada.account, ada.credentials, NOW);
        RegistrationOutcome outcome = ceremonies.finishRegistration(mine, ada.account, ada.credentials,
                new SoftAuthenticator(ORIGIN).register(other.browserJson()));
        assertThat(outcome).isInstanceOfSatisfying(RegistrationOutcome.Rejected.class,
                r -> assertThat(r.problem()).isEqualTo(WebAuthnProblem.NOT_VERIFIED));
    }

    @Test
    void finishRegistrationWhenMalformedOrTruncatedThenMalformed() {
        TestUser ada = new TestUser("ada@example.com");
        PendingCeremony pending = ceremonies.startRegistration(ada.id, ada.account, ada.credentials, NOW);
        String good = new SoftAuthenticator(ORIGIN).register(pending.browserJson());
        String truncatedClientData = good.replaceFirst("\"clientDataJSON\":\"([A-Za-z0-9_-]{20})[A-Za-z0-9_-]*\"",
                "\"clientDataJSON\":\"$1\"");
        for (String bad : List.of("", "{", "not json", "null", "{\"type\":\"public-key\"}", good.substring(0, good.length() / 2),
                truncatedClientData, "[" + good + "]", "x".repeat(40_000))) {
            RegistrationOutcome outcome = ceremonies.finishRegistration(pending, ada.account, ada.credentials, bad);
            assertThat(outcome).as(bad.length() > 80 ? bad.substring(0, 80) : bad)
                    .isInstanceOfSatisfying(RegistrationOutcome.Rejected.class,
                            r -> assertThat(r.problem()).isIn(WebAuthnProblem.MALFORMED, WebAuthnProblem.NOT_VERIFIED));
        }
        assertThat(ceremonies.finishRegistration(pending, ada.account, ada.credentials, truncatedClientData))
                .isInstanceOfSatisfying(RegistrationOutcome.Rejected.class,
                        r -> assertThat(r.problem()).isEqualTo(WebAuthnProblem.MALFORMED));
    }

    @Test
    void finishAssertionWhenOwnKeyThenVerifiedWithTheNewCounter() {
        TestUser ada = new TestUser("ada@example.com");
        SoftAuthenticator key = new SoftAuthenticator(ORIGIN);
        register(ada, key);
        PendingCeremony pending = startSignIn(ada);
        assertThat(pending.browserJson()).contains("\"allowCredentials\"", ada.credentials.get(0).credentialId());
        AssertionOutcome outcome = ceremonies.finishAssertion(pending, ada.account, ada.credentials,
                key.authenticate(pending.browserJson()));
        assertThat(outcome).isInstanceOfSatisfying(AssertionOutcome.Verified.class, v -> {
            assertThat(v.credential()).isEqualTo(ada.credentials.get(0));
            assertThat(v.signatureCount()).isEqualTo(1);
        });
    }

    @Test
    void finishAssertionWhenAnotherUsersCredentialThenRefused() {
        TestUser ada = new TestUser("ada@example.com");
        TestUser bob = new TestUser("bob@example.com");
        SoftAuthenticator adasKey = new SoftAuthenticator(ORIGIN);
        register(ada, adasKey);
        register(bob, new SoftAuthenticator(ORIGIN));
        // Bob's sign-in, answered with Ada's key: as a client would that has her key and his password.
        PendingCeremony bobsSignIn = startSignIn(bob);
        String forged = adasKey.authenticate(bobsSignIn.browserJson(), adasKey.credentials().get(0));
        AssertionOutcome outcome = ceremonies.finishAssertion(bobsSignIn, bob.account, bob.credentials, forged);
        assertThat(outcome).isInstanceOfSatisfying(AssertionOutcome.Rejected.class,
                r -> assertThat(r.problem()).isEqualTo(WebAuthnProblem.UNKNOWN_CREDENTIAL));
        // Even if the caller's list were wrong, the repository Yubico sees only answers for the user's handle.
        UserCredentials bobs = new UserCredentials("bob@example.com", bob.account.userHandle(), ada.credentials);
        assertThat(bobs.lookup(UserCredentials.bytes(ada.credentials.get(0).credentialId()), ada.account.userHandle()))
                .isEmpty();
        assertThat(bobs.getUsernameForUserHandle(ada.account.userHandle())).isEmpty();
        assertThat(bobs.getCredentialIdsForUsername("ada@example.com")).isEmpty();
    }

    @Test
    void finishAssertionWhenCounterGoesBackwardsThenReportedNotVerified() {
        TestUser ada = new TestUser("ada@example.com");
        SoftAuthenticator key = new SoftAuthenticator(ORIGIN);
        register(ada, key);
        WebAuthnCredential stored = ada.credentials.get(0);
        ada.replace(stored, withCount(stored, 41));
        PendingCeremony pending = startSignIn(ada);
        AssertionOutcome outcome = ceremonies.finishAssertion(pending, ada.account, ada.credentials,
                key.withCounter(40L).authenticate(pending.browserJson()));
        assertThat(outcome).isInstanceOfSatisfying(AssertionOutcome.CounterWentBackwards.class, b -> {
            assertThat(b.storedCount()).isEqualTo(41);
            assertThat(b.receivedCount()).isEqualTo(40);
        });
        PendingCeremony same = startSignIn(ada);
        assertThat(ceremonies.finishAssertion(same, ada.account, ada.credentials,
                key.withCounter(41L).authenticate(same.browserJson())))
                .isInstanceOf(AssertionOutcome.CounterWentBackwards.class);
    }

    @Test
    void finishAssertionWhenAuthenticatorDoesNotCountThenVerified() {
        TestUser ada = new TestUser("ada@example.com");
        SoftAuthenticator key = new SoftAuthenticator(ORIGIN).withCounterStep(0);
        register(ada, key);
        for (int i = 0; i < 2; i++) {
            PendingCeremony pending = startSignIn(ada);
            assertThat(ceremonies.finishAssertion(pending, ada.account, ada.credentials,
                    key.authenticate(pending.browserJson()))).isInstanceOf(AssertionOutcome.Verified.class);
        }
    }

    @Test
    void finishAssertionWhenWrongOriginOrOtherChallengeOrTruncatedThenRefused() {
        TestUser ada = new TestUser("ada@example.com");
        SoftAuthenticator key = new SoftAuthenticator(ORIGIN);
        register(ada, key);
        PendingCeremony pending = startSignIn(ada);
        PendingCeremony other = startSignIn(ada);
        assertThat(refusal(pending, ada, key.authenticate(other.browserJson()))).isEqualTo(WebAuthnProblem.NOT_VERIFIED);
        assertThat(refusal(pending, ada, new SoftAuthenticator(ORIGIN).withOrigin("https://evil.example")
                .assertion(key.credentials().get(0), key.withOrigin("https://evil.example").clientData("webauthn.get",
                        SoftAuthenticator.challengeOf(pending.browserJson())), "example.com", false)))
                .isEqualTo(WebAuthnProblem.NOT_VERIFIED);
        key.withOrigin(null);
        byte[] cut = java.util.Arrays.copyOf(key.clientData("webauthn.get",
                SoftAuthenticator.challengeOf(pending.browserJson())), 30);
        assertThat(refusal(pending, ada, key.assertion(key.credentials().get(0), cut, "example.com", false)))
                .isEqualTo(WebAuthnProblem.MALFORMED);
        // Signed for another relying party (a phishing site's own id).
        assertThat(refusal(pending, ada, key.assertion(key.credentials().get(0), key.clientData("webauthn.get",
                SoftAuthenticator.challengeOf(pending.browserJson())), "evil.example", false)))
                .isEqualTo(WebAuthnProblem.NOT_VERIFIED);
        assertThat(refusal(pending, ada, "{\"id\":")).isEqualTo(WebAuthnProblem.MALFORMED);
        // The JSON word null parses to no credential at all: refused, not a 500 (found by an outside attack).
        assertThat(refusal(pending, ada, "null")).isEqualTo(WebAuthnProblem.MALFORMED);
    }

    /** A credential id past WebAuthn's 1023 bytes is refused, not a failed insert (found by an outside attack). */
    @Test
    void finishRegistrationWhenTheCredentialIdIsLongerThanWebAuthnAllowsThenMalformed() {
        TestUser ada = new TestUser("ada@example.com");
        PendingCeremony pending = ceremonies.startRegistration(ada.id, ada.account, ada.credentials, NOW);
        String tooLong = new SoftAuthenticator(ORIGIN).withIdLength(1024).register(pending.browserJson());
        assertThat(ceremonies.finishRegistration(pending, ada.account, ada.credentials, tooLong))
                .isInstanceOfSatisfying(RegistrationOutcome.Rejected.class,
                        r -> assertThat(r.problem()).isEqualTo(WebAuthnProblem.MALFORMED));
        PendingCeremony again = ceremonies.startRegistration(ada.id, ada.account, ada.credentials, NOW);
        assertThat(ceremonies.finishRegistration(again, ada.account, ada.credentials,
                new SoftAuthenticator(ORIGIN).withIdLength(1023).register(again.browserJson())))
                .isInstanceOf(RegistrationOutcome.Registered.class);
    }

    private WebAuthnProblem refusal(PendingCeremony pending, TestUser user, String json) {
        AssertionOutcome outcome = ceremonies.finishAssertion(pending, user.account, user.credentials, json);
        assertThat(outcome).isInstanceOf(AssertionOutcome.Rejected.class);
        return ((AssertionOutcome.Rejected) outcome).problem();
    }

    static WebAuthnCredential withCount(WebAuthnCredential c, long count) {
        return new WebAuthnCredential(c.id(), c.factorId(), c.userId(), c.credentialId(), c.publicKeyCose(),
                c.publicKeyU2f(), count, c.aaguid(), c.attestationFormat(), c.transports(), c.kind(), c.name(),
                c.possiblyCloned(), c.createdAt(), c.lastUsedAt());
    }
}

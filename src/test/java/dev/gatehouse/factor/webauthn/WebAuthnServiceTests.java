package dev.gatehouse.factor.webauthn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.factor.FactorService;
import dev.gatehouse.factor.FactorType;
import dev.gatehouse.factor.SignInMethods;
import dev.gatehouse.factor.webauthn.PendingCeremony.Purpose;
import dev.gatehouse.factor.webauthn.WebAuthnService.Assertion;
import dev.gatehouse.factor.webauthn.WebAuthnService.Registration;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.testsupport.DevMail;
import dev.gatehouse.testsupport.MutableClock;
import dev.gatehouse.testsupport.SoftAuthenticator;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.user.User;

/**
 * Web Authentication against the real database: storage as a method of the user, every lookup tied to the user of the
 * ceremony, one use per challenge, the signature counter, and the documented U2F import. Run on H2 and PostgreSQL.
 */
abstract class WebAuthnServiceTests {

    static final ClientInfo CLIENT = new ClientInfo("203.0.113.9",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0 Safari/537.36");

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @Autowired
    WebAuthnService webAuthn;

    @Autowired
    FactorService factors;

    @Autowired
    SignInMethods methods;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AuditLog audit;

    @Autowired
    MutableClock clock;

    TestUsers users;
    DevMail mail;

    @BeforeEach
    void setUp() {
        users = new TestUsers(context);
        mail = new DevMail(context);
    }

    SoftAuthenticator key() {
        return new SoftAuthenticator("http://localhost:" + port);
    }

    WebAuthnCredential register(User user, SoftAuthenticator key, String name) {
        PendingCeremony pending = webAuthn.startRegistration(user).orElseThrow();
        Registration result = webAuthn.finishRegistration(user, pending, new CredentialName(name),
                key.register(pending.browserJson()), CLIENT);
        assertThat(result).isInstanceOf(Registration.Registered.class);
        return ((Registration.Registered) result).credential();
    }

    Assertion signIn(User user, SoftAuthenticator key) {
        PendingCeremony pending = webAuthn.startAssertion(user, Purpose.SIGN_IN).orElseThrow();
        return webAuthn.finishAssertion(user, pending, Purpose.SIGN_IN, key.authenticate(pending.browserJson()), CLIENT);
    }

    long count(String sql, Object... params) {
        return jdbc.sql(sql).params(params).query(Long.class).single();
    }

    @Test
    void registerWhenFirstCredentialThenItIsAMethodWithBackupCodesAuditAndEmail() {
        User ada = users.create("ada").user();
        PendingCeremony pending = webAuthn.startRegistration(ada).orElseThrow();
        Registration result = webAuthn.finishRegistration(ada, pending, new CredentialName("  Blue   YubiKey "),
                key().withFormat("packed").register(pending.browserJson()), CLIENT);

        assertThat(result).isInstanceOfSatisfying(Registration.Registered.class, r -> {
            assertThat(r.firstBackupCodes()).isNotNull();
            assertThat(r.credential().name()).isEqualTo("Blue YubiKey");
            assertThat(r.credential().kind()).isEqualTo(CredentialKind.SECURITY_KEY);
            assertThat(r.credential().attestationFormat()).isEqualTo("packed");
            assertThat(r.credential().aaguid()).hasSize(32);
            assertThat(r.credential().transports()).containsExactly("usb");
            assertThat(r.credential().lastUsedAt()).isNull();
        });
        assertThat(factors.hasFactor(ada.id())).isTrue();
        assertThat(methods.ordered(ada.id())).containsExactly(WebAuthnSecondFactor.TYPE);
        assertThat(factors.factors(ada.id())).singleElement()
                .satisfies(f -> assertThat(f.label()).isEqualTo("Blue YubiKey"));
        assertThat(audit.typesForUser(ada.id())).containsSubsequence(AuditEventType.FACTOR_ENABLED,
                AuditEventType.BACKUP_CODES_GENERATED);
        DevMail.Message added = mail.await(ada.email(), "security key or device was added");
        assertThat(added.text()).contains("Name: Blue YubiKey", "Kind: Security key", "IP address: 203.0.113.9");

        // A second one is a second credential of the same method, with no second set of backup codes.
        clock.advance(java.time.Duration.ofSeconds(1));
        PendingCeremony second = webAuthn.startRegistration(ada).orElseThrow();
        assertThat(second.browserJson()).contains(webAuthn.credentials(ada.id()).get(0).credentialId());
        Registration laptop = webAuthn.finishRegistration(ada, second, new CredentialName("Laptop"),
                key().asPlatform().register(second.browserJson()), CLIENT);
        assertThat(laptop).isInstanceOfSatisfying(Registration.Registered.class, r -> {
            assertThat(r.firstBackupCodes()).isNull();
            assertThat(r.credential().kind()).isEqualTo(CredentialKind.THIS_DEVICE);
        });
        assertThat(webAuthn.credentials(ada.id())).extracting(WebAuthnCredential::name)
                .containsExactly("Blue YubiKey", "Laptop");
        assertThat(methods.ordered(ada.id())).containsExactly(WebAuthnSecondFactor.TYPE);
    }

    @Test
    void registerWhenCredentialIdRegisteredToAnotherUserThenRefusedAndNothingStored() {
        User ada = users.create("ada").user();
        User mallory = users.create("mallory").user();
        SoftAuthenticator adasKey = key();
        register(ada, adasKey, "Ada's key");
        PendingCeremony pending = webAuthn.startRegistration(mallory).orElseThrow();
        Registration result = webAuthn.finishRegistration(mallory, pending, new CredentialName("Stolen"),
                adasKey.register(pending.browserJson(), adasKey.credentials().get(0)), CLIENT);
        assertThat(result).isEqualTo(new Registration.Refused(WebAuthnProblem.ALREADY_REGISTERED));
        assertThat(webAuthn.credentials(mallory.id())).isEmpty();
        // Nor twice to the same user (a client that ignores the excluded credentials).
        PendingCeremony again = webAuthn.startRegistration(ada).orElseThrow();
        assertThat(webAuthn.finishRegistration(ada, again, new CredentialName("Twice"),
                adasKey.register(again.browserJson(), adasKey.credentials().get(0)), CLIENT))
                .isEqualTo(new Registration.Refused(WebAuthnProblem.ALREADY_REGISTERED));
        assertThat(webAuthn.credentials(ada.id())).hasSize(1);
        assertThat(factors.hasFactor(mallory.id())).isFalse();
        assertThat(count("select count(*) from webauthn_credentials where credential_id = ?",
                adasKey.credentials().get(0).id())).isEqualTo(1);
    }

    @Test
    void registerWhenSameChallengeAnsweredTwiceThenSecondRefused() {
        User ada = users.create("ada").user();
        PendingCeremony pending = webAuthn.startRegistration(ada).orElseThrow();
        Registration first = webAuthn.finishRegistration(ada, pending, new CredentialName("One"),
                key().withOrigin("https://evil.example").register(pending.browserJson()), CLIENT);
        assertThat(first).isEqualTo(new Registration.Refused(WebAuthnProblem.NOT_VERIFIED));
        // The right answer to a challenge already answered (here on "another node", with a copy of the session).
        Registration second = webAuthn.finishRegistration(ada, pending, new CredentialName("Two"),
                key().register(pending.browserJson()), CLIENT);
        assertThat(second).isEqualTo(new Registration.Refused(WebAuthnProblem.EXPIRED));
        assertThat(webAuthn.credentials(ada.id())).isEmpty();
    }

    @Test
    void registerWhenCeremonyOfAnotherUserOrExpiredThenRefused() {
        User ada = users.create("ada").user();
        User bob = users.create("bob").user();
        PendingCeremony bobs = webAuthn.startRegistration(bob).orElseThrow();
        assertThat(webAuthn.finishRegistration(ada, bobs, new CredentialName("x"), key().register(bobs.browserJson()),
                CLIENT)).isEqualTo(new Registration.Refused(WebAuthnProblem.EXPIRED));
        PendingCeremony late = webAuthn.startRegistration(ada).orElseThrow();
        clock.advance(java.time.Duration.ofMinutes(7));
        assertThat(webAuthn.finishRegistration(ada, late, new CredentialName("x"), key().register(late.browserJson()),
                CLIENT)).isEqualTo(new Registration.Refused(WebAuthnProblem.EXPIRED));
        assertThat(webAuthn.credentials(ada.id())).isEmpty();
        assertThat(webAuthn.credentials(bob.id())).isEmpty();
    }

    @Test
    void assertionWhenOwnKeyThenVerifiedAndCounterAndLastUseRecorded() {
        User ada = users.create("ada").user();
        SoftAuthenticator key = key();
        register(ada, key, "Key");
        Instant now = clock.instant();
        assertThat(signIn(ada, key)).isInstanceOfSatisfying(Assertion.Verified.class, v -> {
            assertThat(v.credential().signatureCount()).isEqualTo(1);
            assertThat(v.credential().lastUsedAt()).isEqualTo(now);
        });
        assertThat(signIn(ada, key)).isInstanceOf(Assertion.Verified.class);
        assertThat(webAuthn.credentials(ada.id()).get(0).signatureCount()).isEqualTo(2);
    }

    @Test
    void assertionWhenAnotherUsersCredentialThenRefusedAndNothingChanges() {
        User ada = users.create("ada").user();
        User bob = users.create("bob").user();
        SoftAuthenticator adasKey = key();
        register(ada, adasKey, "Ada's key");
        register(bob, key(), "Bob's key");
        // Bob's sign-in (his password passed), answered with Ada's credential.
        PendingCeremony bobs = webAuthn.startAssertion(bob, Purpose.SIGN_IN).orElseThrow();
        String withAdasKey = adasKey.authenticate(bobs.browserJson(), adasKey.credentials().get(0));
        assertThat(webAuthn.finishAssertion(bob, bobs, Purpose.SIGN_IN, withAdasKey, CLIENT))
                .isEqualTo(new Assertion.Refused(WebAuthnProblem.UNKNOWN_CREDENTIAL));
        assertThat(webAuthn.credentials(ada.id()).get(0).signatureCount()).isZero();
        assertThat(webAuthn.credentials(ada.id()).get(0).lastUsedAt()).isNull();
        assertThat(audit.typesForUser(bob.id())).endsWith(AuditEventType.SECOND_FACTOR_FAILED);
        assertThat(audit.typesForUser(ada.id())).doesNotContain(AuditEventType.SECOND_FACTOR_FAILED);
    }

    @Test
    void assertionWhenSameChallengeAnsweredTwiceThenSecondRefused() {
        User ada = users.create("ada").user();
        SoftAuthenticator key = key().withCounterStep(0);
        register(ada, key, "Key");
        PendingCeremony pending = webAuthn.startAssertion(ada, Purpose.SIGN_IN).orElseThrow();
        String answer = key.authenticate(pending.browserJson());
        assertThat(webAuthn.finishAssertion(ada, pending, Purpose.SIGN_IN, answer, CLIENT))
                .isInstanceOf(Assertion.Verified.class);
        assertThat(webAuthn.finishAssertion(ada, pending, Purpose.SIGN_IN, answer, CLIENT))
                .isEqualTo(new Assertion.Refused(WebAuthnProblem.EXPIRED));
    }

    @Test
    void assertionWhenCounterGoesBackwardsThenMarkedAuditedEmailedAndRefusedFromThenOn() {
        User ada = users.create("ada").user();
        SoftAuthenticator key = key();
        WebAuthnCredential credential = register(ada, key, "Office key");
        assertThat(signIn(ada, key)).isInstanceOf(Assertion.Verified.class);
        // The stored counter is bumped past the key's, as if a copy had signed in meanwhile.
        jdbc.sql("update webauthn_credentials set signature_count = 50 where id = ?").param(credential.id()).update();

        assertThat(signIn(ada, key)).isEqualTo(new Assertion.Refused(WebAuthnProblem.COUNTER_WENT_BACKWARDS));
        assertThat(webAuthn.credentials(ada.id()).get(0).possiblyCloned()).isTrue();
        assertThat(audit.typesForUser(ada.id())).endsWith(AuditEventType.WEBAUTHN_POSSIBLY_CLONED);
        DevMail.Message warning = mail.await(ada.email(), "may have been copied");
        assertThat(warning.text()).contains("\"Office key\"", "no longer signs you in");

        // Even a counter above the stored one no longer helps: the key is blocked until removed.
        key.withCounter(100L);
        assertThat(signIn(ada, key)).isEqualTo(new Assertion.Refused(WebAuthnProblem.POSSIBLY_CLONED));
        assertThat(webAuthn.credentials(ada.id()).get(0).signatureCount()).isEqualTo(50);
        assertThat(audit.typesForUser(ada.id()).stream().filter(t -> t == AuditEventType.WEBAUTHN_POSSIBLY_CLONED))
                .hasSize(1);
    }

    @Test
    void assertionWhenStartedWithoutCredentialsThenEmpty() {
        User ada = users.create("ada").user();
        assertThat(webAuthn.startAssertion(ada, Purpose.SIGN_IN)).isEmpty();
    }

    @Test
    void renameWhenOwnCredentialThenRenamedAndAuditedElseNotFound() {
        User ada = users.create("ada").user();
        User bob = users.create("bob").user();
        WebAuthnCredential credential = register(ada, key(), "Old");
        assertThat(webAuthn.rename(bob, credential.factorId(), new CredentialName("Mine now"), CLIENT))
                .isInstanceOf(WebAuthnService.Rename.NotFound.class);
        assertThat(webAuthn.rename(ada, credential.factorId(), new CredentialName("<b>New</b>"), CLIENT))
                .isInstanceOf(WebAuthnService.Rename.Renamed.class);
        assertThat(webAuthn.credentials(ada.id()).get(0).name()).isEqualTo("<b>New</b>");
        assertThat(audit.typesForUser(ada.id())).endsWith(AuditEventType.WEBAUTHN_RENAMED);
    }

    @Test
    void removeThroughTheCoreWhenRemovedThenTheCredentialGoesWithIt() {
        User ada = users.create("ada").user();
        WebAuthnCredential one = register(ada, key(), "One");
        WebAuthnCredential two = register(ada, key(), "Two");
        assertThat(factors.remove(ada, one.factorId(), CLIENT)).isInstanceOf(FactorService.Removal.Removed.class);
        assertThat(webAuthn.credentials(ada.id())).containsExactly(two);
        assertThat(count("select count(*) from webauthn_credentials where id = ?", one.id())).isZero();
        assertThat(factors.remove(ada, two.factorId(), CLIENT)).isInstanceOf(FactorService.Removal.Removed.class);
        assertThat(factors.hasFactor(ada.id())).isFalse();
        assertThat(count("select count(*) from backup_codes where user_id = ?", ada.id())).isZero();
    }

    /**
     * The statements of docs/webauthn-u2f-import.md, run as written. The AppID extension itself needs an https origin
     * and is tested in {@link AppIdExtensionTest}; here the imported raw key signs for this server's relying party id,
     * to show that a key stored this way is read and verified.
     */
    @Test
    void importedU2fKeyWhenInsertedWithTheDocumentedSqlThenListedAndVerified() throws IOException {
        User ada = users.create("ada").user();
        SoftAuthenticator oldKey = key();
        SoftAuthenticator.Credential u2f = oldKey.u2fCredential("localhost");
        UUID factorId = UUID.randomUUID();
        for (String statement : documentedImportSql()) {
            jdbc.sql(statement)
                    .param("email", ada.email().toUpperCase())
                    .param("factor_id", factorId)
                    .param("credential_row_id", UUID.randomUUID())
                    .param("name", "Security key (imported)")
                    .param("key_handle", u2f.id())
                    .param("public_key", SoftAuthenticator.base64Url(u2f.rawPublicKey()))
                    .param("counter", 41L)
                    .param("registered_at", java.time.OffsetDateTime.parse("2019-05-01T10:00:00Z"))
                    .update();
        }
        assertThat(webAuthn.credentials(ada.id())).singleElement().satisfies(c -> {
            assertThat(c.imported()).isTrue();
            assertThat(c.factorId()).isEqualTo(factorId);
            assertThat(c.name()).isEqualTo("Security key (imported)");
            assertThat(c.attestationFormat()).isEqualTo("fido-u2f");
            assertThat(c.signatureCount()).isEqualTo(41);
        });
        assertThat(methods.ordered(ada.id())).containsExactly(WebAuthnSecondFactor.TYPE);
        oldKey.withCounter(42L);
        assertThat(signIn(ada, oldKey)).isInstanceOf(Assertion.Verified.class);
        assertThat(webAuthn.credentials(ada.id()).get(0).signatureCount()).isEqualTo(42);
    }

    static List<String> documentedImportSql() throws IOException {
        String doc = Files.readString(Path.of("docs", "webauthn-u2f-import.md"));
        Matcher block = Pattern.compile("```sql\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        assertThat(block.find()).as("an sql block in docs/webauthn-u2f-import.md").isTrue();
        return java.util.Arrays.stream(block.group(1).split(";")).map(String::strip).filter(s -> !s.isEmpty())
                .toList();
    }
}

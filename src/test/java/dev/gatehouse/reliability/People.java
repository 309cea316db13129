package dev.gatehouse.reliability;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.commons.codec.binary.Base32;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;

import dev.gatehouse.crypto.CryptoProperties;
import dev.gatehouse.crypto.RandomCodes;
import dev.gatehouse.crypto.SecretSealer;
import dev.gatehouse.factor.backupcode.BackupCodes;
import dev.gatehouse.system.Db;
import dev.gatehouse.testsupport.AuthenticatorApp;

/**
 * The people of the suite, written straight into the nodes' database (an Argon2 hash with the nodes' parameters,
 * methods sealed with the nodes' key file), so that setting up a thousand costs a second and no node is involved:
 * everything the suite then does goes through HTTP.
 */
public final class People {

    public static final String PASSWORD = "correct horse battery staple";

    /** A person: their address, their authenticator app (when they have one) and backup codes (when they have them). */
    public record Person(UUID id, String email, AuthenticatorApp app, List<String> backupCodes) {
    }

    private final Database database;
    private final SecretSealer sealer;
    private final String hash;

    People(Database database, Path keyFile, int argonMemoryKib, int argonIterations) {
        this.database = database;
        this.sealer = new SecretSealer(new CryptoProperties(null, Map.of(), keyFile, false));
        // One hash for everyone (its salt is in it): what a node checks is the same work as for any password.
        this.hash = new Argon2PasswordEncoder(16, 32, 1, argonMemoryKib, argonIterations).encode(PASSWORD);
    }

    /** People whose only method is the authenticator app; with a set of backup codes when {@code backupCodes}. */
    public List<Person> withApp(String prefix, int count, boolean backupCodes) {
        return inOneConnection(jdbc -> {
            List<Person> people = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                UUID id = user(jdbc, prefix, i);
                byte[] secret = RandomCodes.bytes(20);
                factor(jdbc, id, "TOTP", "Authenticator app", sealer.seal(secret, "totp:" + id), null);
                List<String> codes = backupCodes ? backupCodes(jdbc, id) : List.of();
                people.add(new Person(id, email(prefix, i, id),
                        new AuthenticatorApp(new Base32().encodeAsString(secret)), codes));
            }
            return people;
        });
    }

    /** People whose only method is email codes, sent to their own address. */
    List<Person> withEmailCodes(String prefix, int count) {
        return inOneConnection(jdbc -> {
            List<Person> people = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                UUID id = user(jdbc, prefix, i);
                String email = email(prefix, i, id);
                factor(jdbc, id, "EMAIL", "Email", null, email);
                people.add(new Person(id, email, null, List.of()));
            }
            return people;
        });
    }

    private <T> T inOneConnection(java.util.function.Function<JdbcClient, T> work) {
        SingleConnectionDataSource connection = new SingleConnectionDataSource(database.url(), "postgres", "", true);
        try {
            return work.apply(JdbcClient.create(connection));
        } finally {
            connection.destroy();
        }
    }

    private UUID user(JdbcClient jdbc, String prefix, int i) {
        UUID id = UUID.randomUUID();
        Instant now = Instant.now();
        String email = email(prefix, i, id);
        jdbc.sql("""
                insert into users (id, email, email_normalized, display_name, password_hash, password_changed_at, created_at)
                values (?, ?, ?, ?, ?, ?, ?)""")
                .params(id, email, email, prefix + " " + i, hash, Db.ts(now), Db.ts(now)).update();
        return id;
    }

    private static void factor(JdbcClient jdbc, UUID userId, String type, String label, String sealed, String publicData) {
        jdbc.sql("""
                insert into second_factors (id, user_id, type, label, secret_sealed, public_data, created_at)
                values (?, ?, ?, ?, ?, ?, ?)""")
                .params(UUID.randomUUID(), userId, type, label, sealed, publicData, Db.ts(Instant.now())).update();
    }

    private static List<String> backupCodes(JdbcClient jdbc, UUID userId) {
        List<String> codes = BackupCodes.newSet();
        for (String code : codes) {
            jdbc.sql("insert into backup_codes (id, user_id, code_hash, created_at) values (?, ?, ?, ?)")
                    .params(UUID.randomUUID(), userId, BackupCodes.hash(userId, BackupCodes.normalize(code).orElseThrow()),
                            Db.ts(Instant.now())).update();
        }
        return codes;
    }

    private static String email(String prefix, int i, UUID id) {
        return prefix + i + "-" + id.toString().substring(0, 8) + "@reliability.example";
    }
}

package dev.gatehouse.factor.webauthn;

import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import com.yubico.webauthn.data.ByteArray;

import dev.gatehouse.factor.FactorType;
import dev.gatehouse.system.Db;

/**
 * Storage of credentials and user handles. Every read and write names the user: there is no way here to reach a
 * credential without saying whose it is, except {@link #credentialIdTaken}, which only answers yes or no.
 */
@Component
class WebAuthnCredentials {

    private static final String SELECT = """
            select c.id, c.factor_id, c.user_id, c.credential_id, c.public_key_cose, c.public_key_u2f,
                   c.signature_count, c.aaguid, c.attestation_format, c.transports, c.kind, c.possibly_cloned,
                   f.label, f.created_at, f.last_used_at
            from webauthn_credentials c join second_factors f on f.id = c.factor_id and f.user_id = c.user_id
            """;

    private final JdbcClient jdbc;
    private final SecureRandom random = new SecureRandom();

    WebAuthnCredentials(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The user's credentials, oldest first. */
    List<WebAuthnCredential> forUser(UUID userId) {
        return jdbc.sql(SELECT + " where c.user_id = ? order by f.created_at, f.id").param(userId)
                .query(WebAuthnCredentials::credential).list();
    }

    Optional<WebAuthnCredential> byFactor(UUID userId, UUID factorId) {
        return jdbc.sql(SELECT + " where c.user_id = ? and c.factor_id = ?").params(userId, factorId)
                .query(WebAuthnCredentials::credential).optional();
    }

    /** The user's handle, made (32 random bytes) on first use; the same under races (the first insert wins). */
    ByteArray userHandle(UUID userId, Instant now) {
        Optional<String> existing = handle(userId);
        if (existing.isPresent()) {
            return UserCredentials.bytes(existing.get());
        }
        byte[] handle = new byte[32];
        random.nextBytes(handle);
        jdbc.sql("insert into webauthn_users (user_id, user_handle, created_at) values (?, ?, ?) on conflict do nothing")
                .params(userId, new ByteArray(handle).getBase64Url(), Db.ts(now)).update();
        Arrays.fill(handle, (byte) 0);
        return UserCredentials.bytes(handle(userId).orElseThrow());
    }

    private Optional<String> handle(UUID userId) {
        return jdbc.sql("select user_handle from webauthn_users where user_id = ?").param(userId)
                .query(String.class).optional();
    }

    /**
     * Records the challenge as answered; true for the first answer only, on whichever node (one INSERT decides).
     * Challenges past their expiry are forgotten on the way: a late answer is refused by its expiry anyway.
     */
    boolean useChallenge(String challenge, Instant expiresAt, Instant now) {
        jdbc.sql("delete from webauthn_used_challenges where expires_at < ?").param(Db.ts(now)).update();
        return jdbc.sql("insert into webauthn_used_challenges (challenge, expires_at) values (?, ?) on conflict do nothing")
                .params(challenge, Db.ts(expiresAt)).update() == 1;
    }

    /** Whether any user has a credential with this id. */
    boolean credentialIdTaken(String credentialId) {
        return jdbc.sql("select count(*) from webauthn_credentials where credential_id = ?").param(credentialId)
                .query(Long.class).single() > 0;
    }

    /** Stores a new credential as a method of the user: its second_factors row and its own row. Returns the factor id. */
    UUID insert(UUID userId, String name, WebAuthnCeremonies.RegistrationOutcome.Registered registered, Instant now) {
        UUID factorId = UUID.randomUUID();
        jdbc.sql("insert into second_factors (id, user_id, type, label, created_at) values (?, ?, ?, ?, ?)")
                .params(factorId, userId, WebAuthnSecondFactor.TYPE.name(), name, Db.ts(now)).update();
        jdbc.sql("""
                insert into webauthn_credentials (id, factor_id, user_id, credential_id, public_key_cose,
                    signature_count, aaguid, attestation_format, transports, kind)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(UUID.randomUUID(), factorId, userId, registered.credentialId(), registered.publicKeyCose(),
                        registered.signatureCount(), registered.aaguid(), cut(registered.attestationFormat(), 32),
                        cut(String.join(",", registered.transports()), 200), registered.kind().name())
                .update();
        return factorId;
    }

    /**
     * Records a verified use: the new counter only if it is above the stored one (or both are 0, for authenticators
     * that do not count), in one conditional UPDATE, so two nodes cannot both accept the same counter value. False when
     * it was not above (the credential may have been copied), or the credential is marked.
     */
    boolean recordUse(WebAuthnCredential credential, long signatureCount, Instant now) {
        int updated = jdbc.sql("""
                update webauthn_credentials set signature_count = ?
                where id = ? and user_id = ? and possibly_cloned = false
                  and (signature_count < ? or (signature_count = 0 and ? = 0))""")
                .params(signatureCount, credential.id(), credential.userId(), signatureCount, signatureCount)
                .update();
        if (updated == 1) {
            jdbc.sql("update second_factors set last_used_at = ? where id = ? and user_id = ?")
                    .params(Db.ts(now), credential.factorId(), credential.userId()).update();
        }
        return updated == 1;
    }

    /** Marks the credential as possibly copied; true when this call marked it (false when it was marked already). */
    boolean markPossiblyCloned(WebAuthnCredential credential) {
        return jdbc.sql("""
                update webauthn_credentials set possibly_cloned = true
                where id = ? and user_id = ? and possibly_cloned = false""")
                .params(credential.id(), credential.userId()).update() == 1;
    }

    /** Renames the user's credential; false when the user has no such credential. */
    boolean rename(UUID userId, UUID factorId, String name) {
        return jdbc.sql("""
                update second_factors set label = ?
                where id = ? and user_id = ? and type = ?
                  and exists (select 1 from webauthn_credentials c where c.factor_id = second_factors.id)""")
                .params(name, factorId, userId, WebAuthnSecondFactor.TYPE.name()).update() == 1;
    }

    private static String cut(String s, int max) {
        return s == null ? "" : s.length() <= max ? s : s.substring(0, max);
    }

    private static WebAuthnCredential credential(ResultSet rs, int row) throws SQLException {
        String transports = rs.getString("transports");
        return new WebAuthnCredential(rs.getObject("id", UUID.class), rs.getObject("factor_id", UUID.class),
                rs.getObject("user_id", UUID.class), rs.getString("credential_id"), rs.getString("public_key_cose"),
                rs.getString("public_key_u2f"), rs.getLong("signature_count"), rs.getString("aaguid"),
                rs.getString("attestation_format"),
                transports == null || transports.isBlank() ? List.of() : List.of(transports.split(",")),
                CredentialKind.valueOf(rs.getString("kind")), rs.getString("label"), rs.getBoolean("possibly_cloned"),
                Db.instant(rs, "created_at"), Db.instant(rs, "last_used_at"));
    }
}

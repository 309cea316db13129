package dev.gatehouse.oidc;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.crypto.SecretSealer;
import dev.gatehouse.system.Db;

/**
 * The keys that sign ID and access tokens (RS256), kept in the database so every node signs with the same one and
 * publishes the same set. The first start creates one; when several nodes start at once, the unique {@code active}
 * column lets exactly one insert it and the others use it. The private key is sealed with {@link SecretSealer} under
 * the context {@code oidc-signing-key:<kid>}, so a database copy alone signs nothing.
 *
 * <p>{@link #rotate} makes a new key the active one; the old one is retired but stays published
 * ({@link #published}) until every token it signed has expired ({@link OidcProperties#retiredKeyKept}), so clients
 * that fetched the key set before go on verifying. Parsed keys are cached by key id (a kid never changes content);
 * which key is active is read from the database at each use, so a rotation on one node is seen by all at once.
 */
@Service
public class SigningKeys {

    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
    private static final int RSA_BITS = 2048;

    private final JdbcClient jdbc;
    private final SecretSealer sealer;
    private final TransactionTemplate tx;
    private final OidcProperties properties;
    private final Clock clock;
    private final Map<String, RSAKey> parsed = new ConcurrentHashMap<>();

    SigningKeys(JdbcClient jdbc, SecretSealer sealer, TransactionTemplate tx, OidcProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.sealer = sealer;
        this.tx = tx;
        this.properties = properties;
        this.clock = clock;
    }

    /** The first start makes the first key, so the key set is ready before the first request. */
    @EventListener(ApplicationStartedEvent.class)
    void atStart() {
        active();
    }

    /** The key that signs now, private part included; created when there is none yet. */
    public RSAKey active() {
        for (int tries = 0; tries < 3; tries++) {
            List<Row> rows = rows("where active = 1");
            if (!rows.isEmpty()) {
                return withPrivatePart(rows.get(0));
            }
            try {
                tx.executeWithoutResult(status -> insertActive(newKey()));
            } catch (DuplicateKeyException anotherNodeWon) {
                // Another node created the first key at the same moment: use theirs (read on the next turn).
            }
        }
        throw new IllegalStateException("no active OpenID Connect signing key could be read or created");
    }

    /**
     * The public keys a client may meet in a token now: the active one first, then those retired less than
     * {@link OidcProperties#retiredKeyKept} ago.
     */
    public List<RSAKey> published() {
        active();
        Instant since = clock.instant().minus(properties.retiredKeyKept());
        return rows("where active = 1 or retired_at > ? order by retired_at desc nulls first", Db.ts(since)).stream()
                .map(row -> publicPart(row)).toList();
    }

    /**
     * Makes a new key the one that signs and retires the active one, in one transaction; returns the new key's id.
     * Safe to run on two nodes at once: each retires whatever is active when it runs, so one key stays active.
     */
    public String rotate() {
        RSAKey next = newKey();
        for (int attempt = 1; ; attempt++) {
            try {
                tx.executeWithoutResult(status -> {
                    jdbc.sql("update oidc_signing_keys set active = null, retired_at = ? where active = 1")
                            .param(Db.ts(clock.instant())).update();
                    insertActive(next);
                });
                break;
            } catch (org.springframework.dao.DuplicateKeyException racedByAnotherNode) {
                // Another node's rotation committed between our retire and our insert (read committed: our UPDATE
                // waited for its row and then found nothing active). Again: this time we retire its new key.
                if (attempt == 3) {
                    throw racedByAnotherNode;
                }
            }
        }
        log.info("OpenID Connect signing key rotated: {} signs from now on", next.getKeyID());
        return next.getKeyID();
    }

    private void insertActive(RSAKey key) {
        byte[] pkcs8 = privateBytes(key);
        try {
            jdbc.sql("""
                    insert into oidc_signing_keys (kid, algorithm, public_jwk, private_key_sealed, created_at, active)
                    values (?, ?, ?, ?, ?, 1)""")
                    .params(key.getKeyID(), JWSAlgorithm.RS256.getName(), key.toPublicJWK().toJSONString(),
                            sealer.seal(pkcs8, context(key.getKeyID())), Db.ts(clock.instant()))
                    .update();
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    private static RSAKey newKey() {
        try {
            return new RSAKeyGenerator(RSA_BITS).keyID(UUID.randomUUID().toString()).keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("RSA key generation is not available", e);
        }
    }

    private static byte[] privateBytes(RSAKey key) {
        try {
            return key.toRSAPrivateKey().getEncoded();
        } catch (JOSEException e) {
            throw new IllegalStateException("the new key has no private part", e);
        }
    }

    private RSAKey withPrivatePart(Row row) {
        return parsed.computeIfAbsent(row.kid(), kid -> {
            byte[] pkcs8 = sealer.open(row.sealed(), context(kid));
            try {
                RSAPrivateKey privateKey = (RSAPrivateKey) KeyFactory.getInstance("RSA")
                        .generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
                return new RSAKey.Builder(publicPart(row)).privateKey(privateKey).build();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("signing key " + kid + " does not parse", e);
            } finally {
                Arrays.fill(pkcs8, (byte) 0);
            }
        });
    }

    private static RSAKey publicPart(Row row) {
        try {
            return JWK.parse(row.publicJwk()).toRSAKey();
        } catch (ParseException e) {
            throw new IllegalStateException("public key " + row.kid() + " does not parse", e);
        }
    }

    private static String context(String kid) {
        return "oidc-signing-key:" + kid;
    }

    private List<Row> rows(String where, Object... params) {
        return jdbc.sql("select kid, public_jwk, private_key_sealed from oidc_signing_keys " + where).params(params)
                .query((rs, n) -> new Row(rs.getString("kid"), rs.getString("public_jwk"),
                        rs.getString("private_key_sealed"))).list();
    }

    private record Row(String kid, String publicJwk, String sealed) {
    }
}

package dev.gatehouse.user;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id in the encoded form of Spring Security's {@code Argon2PasswordEncoder}
 * ({@code $argon2id$v=19$m=…,t=…,p=…$salt$hash}, unpadded Base64, 16-byte salt, 32-byte hash, UTF-8 password), so
 * hashes written by either are checked by the other; but with its working memory taken from one pool for the whole
 * node instead of allocated afresh for each hash.
 *
 * <p>BouncyCastle's generator allocates its memory (1 KiB blocks, {@code memory-kib} of them) from the
 * {@link Argon2BytesGenerator.BlockPool} in its parameters, a new one per hash unless given; it hands every block
 * back, zeroed, when the hash is done. The pool here keeps the blocks of {@code concurrent} hashes (the
 * {@link HashingGate}'s permits), so at most that much is ever held and the heap does not churn through 19 MiB per
 * sign-in. A hash past that many at once (only if the gate were bypassed) still works, with blocks allocated for it.
 *
 * <p>A stored hash is checked with the parameters written in it, so hashes made before a cost change keep working.
 */
final class PooledArgon2 {

    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    /** Blocks a generator takes from the pool besides its memory: its fill block's four working blocks. */
    private static final int WORKING_BLOCKS = 4;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODE = Base64.getDecoder();

    private final int memoryKib;
    private final int iterations;
    private final int parallelism;
    private final Argon2BytesGenerator.BlockPool pool;
    private final SecureRandom random = new SecureRandom();

    PooledArgon2(PasswordProperties.Argon2 cost, int concurrent) {
        this.memoryKib = cost.memoryKib();
        this.iterations = cost.iterations();
        this.parallelism = cost.parallelism();
        this.pool = new Argon2BytesGenerator.FixedBlockPool(concurrent * (memoryKib + WORKING_BLOCKS));
    }

    String encode(CharSequence password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return encoded(salt, generate(password, salt, memoryKib, iterations, parallelism,
                Argon2Parameters.ARGON2_VERSION_13, HASH_BYTES));
    }

    /**
     * A stored hash in the form and at the cost of {@link #encode}, with a random salt and a random hash in place of
     * a password's: checking any password against it costs one hash at this cost and matches nothing. Made without
     * hashing, so a node's start-up neither waits for a hash nor keeps the blocks of one in the pool.
     */
    String decoy() {
        byte[] salt = new byte[SALT_BYTES];
        byte[] hash = new byte[HASH_BYTES];
        random.nextBytes(salt);
        random.nextBytes(hash);
        return encoded(salt, hash);
    }

    private String encoded(byte[] salt, byte[] hash) {
        return "$argon2id$v=" + Argon2Parameters.ARGON2_VERSION_13 + "$m=" + memoryKib + ",t=" + iterations + ",p="
                + parallelism + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /** False for a wrong password and for anything that is no Argon2id hash in that form. */
    boolean matches(CharSequence password, String encoded) {
        Stored stored = Stored.parse(encoded);
        if (stored == null) {
            return false;
        }
        byte[] actual = generate(password, stored.salt, stored.memoryKib, stored.iterations, stored.parallelism,
                stored.version, stored.hash.length);
        return MessageDigest.isEqual(actual, stored.hash);
    }

    private byte[] generate(CharSequence password, byte[] salt, int memory, int passes, int lanes, int version,
                            int length) {
        Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(version).withSalt(salt).withMemoryAsKB(memory).withIterations(passes)
                .withParallelism(lanes).withBlockPool(pool).build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(parameters);
        byte[] out = new byte[length];
        generator.generateBytes(password.toString().getBytes(StandardCharsets.UTF_8), out);
        return out;
    }

    /** A stored hash's parts; {@link #parse} gives null for anything else, never throws. */
    private record Stored(int version, int memoryKib, int iterations, int parallelism, byte[] salt, byte[] hash) {

        /** The largest cost accepted from a stored hash: a tampered row must not make a check eat the heap. */
        private static final int MAX_MEMORY_KIB = 1 << 20;
        private static final int MAX_ITERATIONS = 100;
        private static final int MAX_LANES = 16;

        static Stored parse(String encoded) {
            if (encoded == null) {
                return null;
            }
            String[] parts = encoded.split("\\$");
            if (parts.length != 6 || !parts[0].isEmpty() || !"argon2id".equals(parts[1])
                    || !parts[2].startsWith("v=")) {
                return null;
            }
            try {
                int version = Integer.parseInt(parts[2].substring(2));
                String[] cost = parts[3].split(",");
                if (cost.length != 3 || !cost[0].startsWith("m=") || !cost[1].startsWith("t=")
                        || !cost[2].startsWith("p=")) {
                    return null;
                }
                int memory = Integer.parseInt(cost[0].substring(2));
                int passes = Integer.parseInt(cost[1].substring(2));
                int lanes = Integer.parseInt(cost[2].substring(2));
                byte[] salt = B64_DECODE.decode(parts[4]);
                byte[] hash = B64_DECODE.decode(parts[5]);
                boolean sane = (version == Argon2Parameters.ARGON2_VERSION_13
                        || version == Argon2Parameters.ARGON2_VERSION_10)
                        && lanes >= 1 && lanes <= MAX_LANES && memory >= 8 * lanes && memory <= MAX_MEMORY_KIB
                        && passes >= 1 && passes <= MAX_ITERATIONS && salt.length >= 8 && hash.length >= 4;
                return sane ? new Stored(version, memory, passes, lanes, salt, hash) : null;
            } catch (IllegalArgumentException malformed) {
                return null;
            }
        }
    }
}

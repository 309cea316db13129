package dev.gatehouse.user;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;

/**
 * Argon2id with reused working memory gives the same hashes as without: RFC 9106's own vector through one block pool
 * used again and again, and hashes that Spring Security's {@code Argon2PasswordEncoder} (what Gatehouse used before,
 * and what wrote the hashes already stored) reads and writes.
 */
class PooledArgon2Test {

    private static final PasswordProperties.Argon2 COST = new PasswordProperties.Argon2(256, 2, 1);

    /** RFC 9106 section 5.3 (Argon2id, version 0x13, m=32 KiB, t=3, p=4, with secret and associated data). */
    @Test
    void generateWhenBlocksComeFromAReusedPoolThenTheRfc9106VectorEveryTime() {
        Argon2BytesGenerator.BlockPool pool = new Argon2BytesGenerator.FixedBlockPool(32 + 4);
        byte[] expected = HexFormat.of().parseHex(
                "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
        for (int run = 0; run < 3; run++) {
            Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                    .withVersion(Argon2Parameters.ARGON2_VERSION_13).withIterations(3).withMemoryAsKB(32)
                    .withParallelism(4).withSalt(filled(16, 0x02)).withSecret(filled(8, 0x03))
                    .withAdditional(filled(12, 0x04)).withBlockPool(pool).build();
            Argon2BytesGenerator generator = new Argon2BytesGenerator();
            generator.init(parameters);
            byte[] tag = new byte[32];
            generator.generateBytes(filled(32, 0x01), tag);
            assertThat(tag).as("run " + (run + 1)).isEqualTo(expected);
        }
    }

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        java.util.Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    @Test
    void matchesWhenSpringSecurityWroteTheHashThenTheSameResult() {
        Argon2PasswordEncoder spring = new Argon2PasswordEncoder(16, 32, 1, 256, 2);
        PooledArgon2 pooled = new PooledArgon2(COST, 1);
        for (String password : List.of("correct horse battery staple", "pässwört ✓", "")) {
            String stored = spring.encode(password);
            assertThat(pooled.matches(password, stored)).as(password).isTrue();
            assertThat(pooled.matches(password + "x", stored)).isFalse();
        }
    }

    @Test
    void encodeThenSpringSecurityReadsItAndTheFormIsTheSame() {
        Argon2PasswordEncoder spring = new Argon2PasswordEncoder(16, 32, 1, 256, 2);
        PooledArgon2 pooled = new PooledArgon2(COST, 1);
        for (int i = 0; i < 5; i++) {
            String password = "password number " + i;
            String ours = pooled.encode(password);
            assertThat(ours).matches("\\$argon2id\\$v=19\\$m=256,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
            assertThat(spring.matches(password, ours)).isTrue();
            assertThat(spring.matches(password + "!", ours)).isFalse();
        }
    }

    @Test
    void matchesWhenStoredWithOtherCostThenChecksWithTheStoredCost() {
        String stored = new Argon2PasswordEncoder(16, 32, 2, 64, 3).encode("old cost");
        assertThat(new PooledArgon2(COST, 1).matches("old cost", stored)).isTrue();
    }

    @Test
    void matchesWhenMoreHashesAtOnceThanThePoolHoldsThenEachStillRight() {
        Argon2PasswordEncoder spring = new Argon2PasswordEncoder(16, 32, 1, 256, 2);
        PooledArgon2 pooled = new PooledArgon2(COST, 1);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<CompletableFuture<Boolean>> checks = IntStream.range(0, 16)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> {
                        String hash = pooled.encode("p" + i);
                        return spring.matches("p" + i, hash) && pooled.matches("p" + i, hash)
                                && !pooled.matches("p" + (i + 1), hash);
                    }, threads))
                    .toList();
            assertThat(checks).allSatisfy(check -> assertThat(check.join()).isTrue());
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void matchesWhenTheStoredHashIsMalformedOrAbsurdThenFalseWithoutHashing() {
        PooledArgon2 pooled = new PooledArgon2(COST, 1);
        String good = pooled.encode("pw");
        assertThat(pooled.matches("pw", null)).isFalse();
        assertThat(pooled.matches("pw", "")).isFalse();
        assertThat(pooled.matches("pw", "{bcrypt}$2a$10$abc")).isFalse();
        assertThat(pooled.matches("pw", good.replace("$argon2id$", "$argon2i$"))).isFalse();
        assertThat(pooled.matches("pw", good.replace("m=256", "m=99999999"))).as("a tampered cost").isFalse();
        assertThat(pooled.matches("pw", good.replace("t=2", "t=x"))).isFalse();
        assertThat(pooled.matches("pw", good.substring(0, good.lastIndexOf('$')) + "$!!")).isFalse();
    }

    @Test
    void decoyWhenMadeThenTheFormAndCostOfARealHashAndMatchesNothing() {
        PooledArgon2 pooled = new PooledArgon2(COST, 1);
        String real = pooled.encode("pw");
        String decoy = pooled.decoy();

        assertThat(decoy.substring(0, decoy.lastIndexOf('$', decoy.lastIndexOf('$') - 1)))
                .isEqualTo(real.substring(0, real.lastIndexOf('$', real.lastIndexOf('$') - 1)));
        assertThat(Arrays.stream(decoy.split("\\$")).mapToInt(String::length).toArray())
                .as("salt and hash as long as a real one's").containsExactly(
                        Arrays.stream(real.split("\\$")).mapToInt(String::length).toArray());
        assertThat(pooled.decoy()).isNotEqualTo(decoy);
        assertThat(pooled.matches("pw", decoy)).isFalse();
        assertThat(pooled.matches("", decoy)).isFalse();
    }
}

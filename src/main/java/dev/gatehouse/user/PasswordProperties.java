package dev.gatehouse.user;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Password rules and hashing cost.
 *
 * @param minLength shortest accepted password in characters; default 8 (NIST SP 800-63B)
 * @param maxLength longest accepted password in characters; default 128
 * @param argon2    Argon2id cost; defaults are OWASP's (19 MiB, 2 passes, 1 lane), about 30 ms a hash on one core here
 */
@ConfigurationProperties("gatehouse.password")
public record PasswordProperties(@DefaultValue("8") int minLength, @DefaultValue("128") int maxLength,
                                 @DefaultValue Argon2 argon2) {

    /**
     * @param memoryKib   memory per hash in KiB; default 19456
     * @param iterations  passes over memory; default 2
     * @param parallelism lanes; default 1
     */
    public record Argon2(@DefaultValue("19456") int memoryKib, @DefaultValue("2") int iterations,
                         @DefaultValue("1") int parallelism) {

        public Argon2 {
            if (memoryKib < 8 * parallelism || iterations < 1 || parallelism < 1) {
                throw new IllegalArgumentException("gatehouse.password.argon2: memory-kib must be at least 8 x parallelism,"
                        + " iterations and parallelism at least 1");
            }
        }
    }
}

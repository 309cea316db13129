package dev.gatehouse.system;

import java.time.Clock;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class SystemConfiguration {

    /** The one source of time: logic takes it by injection so tests can fix it. */
    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** Static: a post-processor is created before the other beans, and must not pull them in early. */
    @Bean
    static PostgresErrorDetail postgresErrorDetail() {
        return new PostgresErrorDetail();
    }
}

package dev.gatehouse.system;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Keeps values out of PostgreSQL's exception messages: the driver's {@code logServerErrorDetail=false}. With it on
 * (the driver's default) a failed statement's message carries the server's DETAIL line ({@code Key (email)=(...)}) and
 * a failed batch carries the statement with its parameters (a session's serialized attributes, for one), and those
 * messages end up in logs whenever a library logs the exception (the connection pool does, when the database goes
 * away). DESIGN.md invariant 12: no SQL value or secret in a log. Set before the pool opens its first connection; a
 * value given in the JDBC URL or the data source properties is kept.
 */
final class PostgresErrorDetail implements BeanPostProcessor {

    static final String PROPERTY = "logServerErrorDetail";

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof HikariDataSource hikari) {
            hideDetail(hikari);
        }
        return bean;
    }

    static void hideDetail(HikariDataSource hikari) {
        String url = hikari.getJdbcUrl();
        if (url != null && url.startsWith("jdbc:postgresql:") && !url.contains(PROPERTY + "=")
                && !hikari.getDataSourceProperties().containsKey(PROPERTY)) {
            hikari.addDataSourceProperty(PROPERTY, "false");
        }
    }
}

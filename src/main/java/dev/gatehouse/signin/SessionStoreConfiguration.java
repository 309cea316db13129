package dev.gatehouse.signin;

import org.springframework.boot.jdbc.DatabaseDriver;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.session.config.SessionRepositoryCustomizer;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;

/**
 * How session attributes are written, so that concurrent requests of one session never fail.
 *
 * <p>Spring Session saves each request's changes to its session at the end of the request. Two requests of one
 * browser that add the same attribute both insert it (the second broke on the primary key), and a request that
 * loaded a session which another request has since ended or rotated ({@link Sessions}) inserted into a deleted row
 * (the foreign key broke). Both answered 500. Here an attribute is written only while its session row exists, and
 * a second insert of the same attribute updates it: the late write of an ended session goes nowhere, and of two
 * concurrent writes the last one wins, as it does for attributes that already existed.
 *
 * <p>A user's sessions (the sessions list, "sign out everywhere", ending one session) are read with one join of
 * sessions and their attributes, which Spring Session groups into sessions only while one session's rows come one
 * after another; its query has no ORDER BY. PostgreSQL keeps them together only by the plan it happens to pick: once
 * the tables have grown it may hash-join and return the rows in the attributes table's order, where a session's
 * attributes added later (its {@code gatehouse.sessionInfo}) lie after another session's rows. Spring Session then made
 * two half sessions of one and kept the last: a session listed without its browser and handle, or not at all. Here
 * the rows are ordered by session.
 */
@Configuration(proxyBeanMethods = false)
class SessionStoreConfiguration {

    /** Only while the session row exists. Parameters as Spring Session binds them: primary id, name, bytes. */
    private static final String EXISTING_SESSION = """
            SELECT S.PRIMARY_ID, A.ATTRIBUTE_NAME, A.ATTRIBUTE_BYTES
            FROM (SELECT CAST(? AS CHAR(36)) AS SESSION_PRIMARY_ID, CAST(? AS VARCHAR(200)) AS ATTRIBUTE_NAME,
                         CAST(? AS BYTEA) AS ATTRIBUTE_BYTES) A
            JOIN %TABLE_NAME% S ON S.PRIMARY_ID = A.SESSION_PRIMARY_ID
            """;

    static final String POSTGRES_INSERT = """
            INSERT INTO %TABLE_NAME%_ATTRIBUTES (SESSION_PRIMARY_ID, ATTRIBUTE_NAME, ATTRIBUTE_BYTES)
            """ + EXISTING_SESSION + """
            ON CONFLICT (SESSION_PRIMARY_ID, ATTRIBUTE_NAME) DO UPDATE SET ATTRIBUTE_BYTES = EXCLUDED.ATTRIBUTE_BYTES
            """;

    /** H2 has no ON CONFLICT ... DO UPDATE; its MERGE with a key column list is the same upsert. */
    static final String H2_INSERT = """
            MERGE INTO %TABLE_NAME%_ATTRIBUTES (SESSION_PRIMARY_ID, ATTRIBUTE_NAME, ATTRIBUTE_BYTES)
            KEY (SESSION_PRIMARY_ID, ATTRIBUTE_NAME)
            """ + EXISTING_SESSION;

    /** Spring Session's query, with its rows ordered so that each session's come together. */
    static final String LIST_BY_PRINCIPAL_NAME = """
            SELECT S.PRIMARY_ID, S.SESSION_ID, S.CREATION_TIME, S.LAST_ACCESS_TIME, S.MAX_INACTIVE_INTERVAL,
                   SA.ATTRIBUTE_NAME, SA.ATTRIBUTE_BYTES
            FROM %TABLE_NAME% S
            LEFT JOIN %TABLE_NAME%_ATTRIBUTES SA ON S.PRIMARY_ID = SA.SESSION_PRIMARY_ID
            WHERE S.PRINCIPAL_NAME = ?
            ORDER BY S.SESSION_ID
            """;

    @Bean
    SessionRepositoryCustomizer<JdbcIndexedSessionRepository> concurrentSessionWrites(Environment environment) {
        DatabaseDriver driver = DatabaseDriver.fromJdbcUrl(environment.getProperty("spring.datasource.url"));
        String insert = driver == DatabaseDriver.H2 ? H2_INSERT : POSTGRES_INSERT;
        return repository -> {
            repository.setCreateSessionAttributeQuery(insert);
            repository.setListSessionsByPrincipalNameQuery(LIST_BY_PRINCIPAL_NAME);
        };
    }
}

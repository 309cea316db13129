package dev.gatehouse.signin;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.config.SessionRepositoryCustomizer;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;
import org.springframework.session.Session;
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.testsupport.PostgresTest;

/**
 * A user's sessions are read whole, whatever plan PostgreSQL picks. Spring Session reads them with one join of
 * sessions and attributes, and groups the rows by session only while one session's rows come one after another; its
 * query has no ORDER BY. Once the tables have grown and been analysed (a long-running server; late in a full test run)
 * PostgreSQL may hash-join and return the rows in the attributes table's order, where one session's attributes are
 * interleaved with another's: the sessions list then saw a session with only some of its attributes (no
 * {@code gatehouse.sessionInfo}: "Browser not recorded" and no handle; or no security context: not listed at all).
 */
@PostgresTest
class SessionListOnPostgresTest {

    @Autowired
    DataSource dataSource;

    @Autowired
    List<SessionRepositoryCustomizer<JdbcIndexedSessionRepository>> customizers;

    @Test
    void findByPrincipalNameWhenThePlanInterleavesTheSessionsRowsThenEachSessionHasAllItsAttributes()
            throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            SingleConnectionDataSource single = new SingleConnectionDataSource(connection, true);
            JdbcTemplate jdbc = new JdbcTemplate(single);
            // The plan of a large, analysed store, forced on a small one: the attributes scanned in their own order.
            jdbc.execute("set enable_nestloop = off");
            jdbc.execute("set enable_mergejoin = off");
            try {
                JdbcIndexedSessionRepository repository = new JdbcIndexedSessionRepository(jdbc,
                        new TransactionTemplate(new DataSourceTransactionManager(single)));
                customizers.forEach(c -> c.customize(repository));
                String user = UUID.randomUUID().toString();
                @SuppressWarnings("unchecked")
                FindByIndexNameSessionRepository<Session> sessions =
                        (FindByIndexNameSessionRepository<Session>) (FindByIndexNameSessionRepository<?>) repository;
                Session a = sessions.createSession();
                Session b = sessions.createSession();
                for (Session s : List.of(a, b)) {
                    s.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, user);
                    s.setAttribute("first", s.getId());
                    sessions.save(s);
                }
                // Added later (as the sign-in's record is): in the table, after the other session's rows.
                for (Session s : List.of(a, b)) {
                    s.setAttribute("second", s.getId());
                    sessions.save(s);
                }

                Map<String, Session> found = sessions.findByPrincipalName(user);

                assertThat(found).containsOnlyKeys(a.getId(), b.getId());
                found.forEach((id, s) -> {
                    assertThat(s.getAttributeNames()).as(id).contains("first", "second");
                    assertThat((String) s.getAttribute("second")).isEqualTo(id);
                });
                sessions.deleteById(a.getId());
                sessions.deleteById(b.getId());
            } finally {
                jdbc.execute("reset enable_nestloop");
                jdbc.execute("reset enable_mergejoin");
            }
        }
    }
}

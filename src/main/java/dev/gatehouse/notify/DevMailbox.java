package dev.gatehouse.notify;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import dev.gatehouse.system.Db;

/**
 * Reads what the dev gateway delivered, for the {@code /dev/mailbox} page and for tests. A bean only when
 * {@code gatehouse.mail.gateway} is {@code dev-mailbox}; with a real gateway nothing is kept to read.
 */
@Service
@ConditionalOnProperty(name = "gatehouse.mail.gateway", havingValue = "dev-mailbox", matchIfMissing = true)
public class DevMailbox {

    private static final String COLUMNS = "id, channel, recipient, subject, text_body, html_body, delivered_at";

    private final JdbcClient jdbc;

    DevMailbox(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The newest messages first (in delivery order, which a test clock standing still cannot tie), at most
     * {@code limit}; never null. */
    public List<DevMailMessage> recent(int limit) {
        return jdbc.sql("select " + COLUMNS + " from dev_mailbox order by seq desc limit ?")
                .param(limit)
                .query(DevMailbox::message)
                .list();
    }

    /** The newest messages to {@code recipient} (compared ignoring case) first, at most {@code limit}. */
    public List<DevMailMessage> recentTo(String recipient, int limit) {
        return jdbc.sql("select " + COLUMNS + " from dev_mailbox where lower(recipient) = lower(?)"
                        + " order by seq desc limit ?")
                .params(recipient, limit)
                .query(DevMailbox::message)
                .list();
    }

    /** The latest message to {@code recipient} (compared ignoring case), if any. */
    public Optional<DevMailMessage> latestTo(String recipient) {
        return recentTo(recipient, 1).stream().findFirst();
    }

    public Optional<DevMailMessage> find(UUID id) {
        return jdbc.sql("select " + COLUMNS + " from dev_mailbox where id = ?")
                .param(id)
                .query(DevMailbox::message)
                .optional();
    }

    private static DevMailMessage message(ResultSet rs, int row) throws SQLException {
        return new DevMailMessage(rs.getObject("id", UUID.class), rs.getString("channel"), rs.getString("recipient"),
                rs.getString("subject"), rs.getString("text_body"), rs.getString("html_body"),
                Db.instant(rs, "delivered_at"));
    }
}

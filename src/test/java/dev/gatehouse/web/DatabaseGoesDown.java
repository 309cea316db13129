package dev.gatehouse.web;

import java.sql.Connection;
import java.sql.SQLNonTransientConnectionException;

import org.h2.api.Trigger;

/**
 * An H2 trigger that fails the statement it guards the way a cut PostgreSQL connection does (SQLState 08006), while
 * {@link #down} is set: the database failing at one precise moment of a request (its handler, or the session save
 * once the page commits) while everything before that moment worked.
 */
public class DatabaseGoesDown implements Trigger {

    /** Set by a test around the one request that must meet the outage; tests of one class run one at a time. */
    static volatile boolean down;

    /** Guards {@code table}'s inserts and updates from now on (the trigger does nothing until {@link #down} is set). */
    static String guardSql(String table) {
        return "create trigger if not exists " + table + "_goes_down before insert, update on " + table
                + " for each row call \"" + DatabaseGoesDown.class.getName() + "\"";
    }

    @Override
    public void fire(Connection connection, Object[] oldRow, Object[] newRow) throws java.sql.SQLException {
        if (down) {
            throw new SQLNonTransientConnectionException("An I/O error occurred while sending to the backend.",
                    "08006");
        }
    }
}

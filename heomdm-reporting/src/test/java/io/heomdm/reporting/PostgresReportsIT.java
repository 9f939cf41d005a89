package io.heomdm.reporting;

import io.heomdm.storage.Database;
import io.heomdm.storage.DatabaseSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** On the PostgreSQL at {@code HEOMDM_TEST_POSTGRES_URL} (default 127.0.0.1:5432/test, as on CI), in a schema of its own; its absence is a failure. */
class PostgresReportsIT extends ReportsContract {
    static final String URL = System.getenv().getOrDefault("HEOMDM_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    static final String USER = System.getenv().getOrDefault("HEOMDM_TEST_POSTGRES_USER", "postgres");
    static final String SCHEMA = "heomdm_reports_" + ProcessHandle.current().pid() + "_" + System.nanoTime() % 100_000;
    static Database database;

    @BeforeAll
    static void open() throws SQLException {
        try (Connection c = DriverManager.getConnection(URL, USER, "")) {
            c.createStatement().execute("create schema " + SCHEMA);
        } catch (SQLException e) {
            throw new SQLException("PostgreSQL is required for this test and is not reachable at " + URL + " as " + USER + ": " + e.getMessage(), e);
        }
        database = Database.open(new DatabaseSettings(URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA, USER, "", 4));
    }

    @AfterAll
    static void close() throws SQLException {
        if (database != null) {
            database.close();
        }
        try (Connection c = DriverManager.getConnection(URL, USER, "")) {
            c.createStatement().execute("drop schema if exists " + SCHEMA + " cascade");
        }
    }

    @Override
    Database database() {
        return database;
    }
}

package io.heomdm.storage;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Runs against the PostgreSQL at {@code HEOMDM_TEST_POSTGRES_URL} (default 127.0.0.1:5432/test,
 * as on CI), in a schema of its own that it drops afterwards. Its absence is a failure, not a skip.
 */
class PostgresStorageIT extends StorageContract {
    static final String URL = System.getenv().getOrDefault("HEOMDM_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    static final String USER = System.getenv().getOrDefault("HEOMDM_TEST_POSTGRES_USER", "postgres");
    static final String SCHEMA = "heomdm_it_" + ProcessHandle.current().pid() + "_" + System.nanoTime() % 100_000;
    static Database database;

    @BeforeAll
    static void open() throws SQLException {
        try (Connection c = DriverManager.getConnection(URL, USER, "")) {
            c.createStatement().execute("create schema " + SCHEMA);
        } catch (SQLException e) {
            throw new SQLException("PostgreSQL is required for this test and is not reachable at " + URL + " as " + USER
                    + " (set HEOMDM_TEST_POSTGRES_URL / HEOMDM_TEST_POSTGRES_USER): " + e.getMessage(), e);
        }
        database = Database.open(new DatabaseSettings(URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA, USER, "", 10));
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

package io.heomdm.storage;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * A schema of one's own on the PostgreSQL the integration tests require ({@code HEOMDM_TEST_POSTGRES_URL}, default
 * 127.0.0.1:5432/test as on CI, user {@code HEOMDM_TEST_POSTGRES_USER}, default postgres), dropped with everything in it on close.
 * Its absence fails the test with what to set, never skips it.
 */
public record PostgresSchema(String name) implements AutoCloseable {
    public static final String URL = System.getenv().getOrDefault("HEOMDM_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    public static final String USER = System.getenv().getOrDefault("HEOMDM_TEST_POSTGRES_USER", "postgres");

    /** A new schema named after {@code prefix}, this process and the moment: tests running side by side do not meet. */
    public static PostgresSchema create(String prefix) {
        String name = prefix + "_" + ProcessHandle.current().pid() + "_" + System.nanoTime() % 100_000;
        try (Connection c = DriverManager.getConnection(URL, USER, "")) {
            c.createStatement().execute("create schema " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL is required for this test and is not reachable at " + URL + " as " + USER
                    + " (set HEOMDM_TEST_POSTGRES_URL / HEOMDM_TEST_POSTGRES_USER): " + e.getMessage(), e);
        }
        return new PostgresSchema(name);
    }

    /** The server's URL with this schema as the current one. */
    public String jdbcUrl() {
        return URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + name;
    }

    /** The platform's database (migrated) in this schema. */
    public Database open(int maxPoolSize) {
        return Database.open(new DatabaseSettings(jdbcUrl(), USER, "", maxPoolSize));
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = DriverManager.getConnection(URL, USER, "")) {
            c.createStatement().execute("drop schema if exists " + name + " cascade");
        }
    }
}

package io.heomdm.storage;

import java.util.Objects;

/** Where the database is: PostgreSQL in production, H2 (PostgreSQL mode) as the embedded default. */
public record DatabaseSettings(String jdbcUrl, String user, String password, int maxPoolSize) {
    public DatabaseSettings {
        Objects.requireNonNull(jdbcUrl);
        if (!jdbcUrl.startsWith("jdbc:postgresql:") && !jdbcUrl.startsWith("jdbc:h2:")) {
            throw new IllegalArgumentException("only PostgreSQL and H2 are supported, not " + jdbcUrl);
        }
        if (maxPoolSize < 1) {
            throw new IllegalArgumentException("maxPoolSize must be >= 1");
        }
    }
}

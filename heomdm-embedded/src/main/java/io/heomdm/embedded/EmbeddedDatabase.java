package io.heomdm.embedded;

import java.nio.file.Path;

/**
 * The embedded default database: H2 in PostgreSQL mode, in a file under the data directory, so
 * the same migrations and queries run here and on PostgreSQL. H2 runs inside the JVM that opens
 * it; {@code AUTO_SERVER} lets a second {@code heomdm} process (an operations command) open the
 * same file while the platform runs.
 */
public record EmbeddedDatabase(String jdbcUrl, String user, String password) {

    public static EmbeddedDatabase inDirectory(Path dir) {
        return new EmbeddedDatabase("jdbc:h2:file:" + dir.resolve("heomdm").toAbsolutePath()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;AUTO_SERVER=TRUE", "sa", "");
    }
}

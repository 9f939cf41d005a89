package io.heomdm.embedded;

import java.nio.file.Path;

/**
 * The embedded default database: H2 in PostgreSQL mode, in a file under the data directory, so
 * the same migrations and queries run here and on PostgreSQL. H2 runs inside the JVM that opens
 * it; {@code AUTO_SERVER} lets a second {@code heomdm} process (an operations command) open the
 * same file while the platform runs.
 *
 * <p>The server {@code AUTO_SERVER} opens for that listens on loopback only: H2 binds it to every
 * interface by default, which with the user {@code sa} and an empty password would hand the
 * database to anyone on the network. H2 reads its bind address once, when its classes load, so
 * it is set here before any H2 class is touched (ElasticMQ's persisted queues use H2 too).
 */
public record EmbeddedDatabase(String jdbcUrl, String user, String password) {
    static {
        loopbackOnly();
    }

    /** Binds every H2 server of this JVM to 127.0.0.1, unless the operator chose an address. */
    public static void loopbackOnly() {
        if (System.getProperty("h2.bindAddress") == null) {
            System.setProperty("h2.bindAddress", "127.0.0.1");
        }
    }

    public static EmbeddedDatabase inDirectory(Path dir) {
        return new EmbeddedDatabase("jdbc:h2:file:" + dir.resolve("heomdm").toAbsolutePath()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;AUTO_SERVER=TRUE", "sa", "");
    }
}

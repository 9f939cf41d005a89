package io.heomdm.reporting;

import io.heomdm.embedded.EmbeddedDatabase;
import io.heomdm.storage.Database;
import io.heomdm.storage.DatabaseSettings;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

class H2ReportsIT extends ReportsContract {
    @TempDir
    static Path dir;
    static Database database;

    @BeforeAll
    static void open() {
        var h2 = EmbeddedDatabase.inDirectory(dir);
        database = Database.open(new DatabaseSettings(h2.jdbcUrl(), h2.user(), h2.password(), 4));
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @Override
    Database database() {
        return database;
    }
}

package io.heomdm.reporting;

import io.heomdm.storage.Database;
import io.heomdm.storage.PostgresSchema;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** On the PostgreSQL the tests require, in a schema of its own ({@link PostgresSchema}); its absence is a failure. */
class PostgresReportsIT extends ReportsContract {
    static PostgresSchema schema;
    static Database database;

    @BeforeAll
    static void open() {
        schema = PostgresSchema.create("heomdm_reports");
        database = schema.open(4);
    }

    @AfterAll
    static void close() throws SQLException {
        if (database != null) {
            database.close();
        }
        schema.close();
    }

    @Override
    Database database() {
        return database;
    }
}

package io.heomdm.storage;

import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** On the PostgreSQL the tests require, in a schema of its own ({@link PostgresSchema}); its absence is a failure, not a skip. */
class PostgresStorageIT extends StorageContract {
    static PostgresSchema schema;
    static Database database;

    @BeforeAll
    static void open() {
        schema = PostgresSchema.create("heomdm_it");
        database = schema.open(10);
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

package io.heomdm.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

    /**
     * A connection lost in the middle of a transaction: the pool closes it, so the rollback fails too, and what the
     * caller gets must still say the database was out of reach (the task workers' breaker and last try read it).
     */
    @Test
    void aConnectionLostInATransactionIsReportedAsTheDatabaseOutOfReachNotAsTheRollbacksFailure() {
        var failure = catchThrowable(() -> database.inTransaction(c -> {
            c.unwrap(java.sql.Connection.class).close(); // the server's end gone, as a proxy cut or a restart leaves it
            try (var s = c.createStatement()) {
                return s.execute("SELECT 1");
            }
        }));
        assertThat(failure).isNotNull();
        assertThat(Database.unreachable(failure)).as("%s", failure).isTrue();
    }
}

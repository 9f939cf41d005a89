package io.heomdm.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class NeedsDatabaseTest {
    @Test
    void aPostgresServerIsGuardedAndAnEmbeddedOrMultiHostDatabaseIsNot() {
        assertThat(NeedsDatabase.dependency("jdbc:postgresql://db.internal:6543/heomdm?ssl=true")).get().hasToString("database db.internal:6543");
        assertThat(NeedsDatabase.dependency("jdbc:postgresql://db.internal/heomdm")).get().hasToString("database db.internal:5432");
        assertThat(NeedsDatabase.dependency("jdbc:postgresql://[::1]:5433/test")).get().hasToString("database ::1:5433");
        assertThat(NeedsDatabase.dependency("jdbc:postgresql://a:5432,b:5432/heomdm")).isEmpty();
        assertThat(NeedsDatabase.dependency("jdbc:h2:file:./data/db/heomdm;AUTO_SERVER=TRUE")).isEmpty();
    }

    @Test
    void onlyFailingToReachTheDatabaseCountsAgainstIt() {
        assertThat(io.heomdm.storage.Database.unreachable(new RuntimeException(new SQLTransientConnectionException("heomdm - Connection is not available")))).isTrue();
        assertThat(io.heomdm.storage.Database.unreachable(new SQLException("Connection refused", "08001"))).isTrue();
        assertThat(io.heomdm.storage.Database.unreachable(new SQLException("duplicate key", "23505"))).isFalse();
        assertThat(io.heomdm.storage.Database.unreachable(new jakarta.mail.MessagingException("SMTP down"))).isFalse();
        // a transaction rolled back for a conflict with another (two instances' writers on one row) means the database answered
        var deadlock = new SQLException("deadlock detected", "40P01");
        var concurrentUpdate = new java.sql.SQLTransactionRollbackException("Concurrent update in table REPORT_SALES_DAILY", "90131");
        assertThat(io.heomdm.storage.Database.unreachable(deadlock)).isFalse();
        assertThat(io.heomdm.storage.Database.unreachable(new RuntimeException(concurrentUpdate))).isFalse();
        assertThat(io.heomdm.storage.Database.conflicted(deadlock)).isTrue();
        assertThat(io.heomdm.storage.Database.conflicted(new RuntimeException(concurrentUpdate))).isTrue();
        assertThat(io.heomdm.storage.Database.conflicted(new SQLException("duplicate key", "23505"))).isFalse();
        // a lock not granted in time: the database answered, another transaction held the row (H2 says it with a timeout exception)
        var h2LockTimeout = new java.sql.SQLTimeoutException("Timeout trying to lock table \"REPORT_SALES_DAILY\"", "HYT00", 50200);
        var postgresLockNotAvailable = new SQLException("could not obtain lock on row", "55P03");
        assertThat(io.heomdm.storage.Database.unreachable(h2LockTimeout)).isFalse();
        assertThat(io.heomdm.storage.Database.conflicted(new RuntimeException(h2LockTimeout))).isTrue();
        assertThat(io.heomdm.storage.Database.conflicted(postgresLockNotAvailable)).isTrue();
    }
}

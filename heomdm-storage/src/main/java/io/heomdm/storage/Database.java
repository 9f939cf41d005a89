package io.heomdm.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** A connection pool on a migrated database. Thread-safe. */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;

    private Database(HikariDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Whether a failure is the database out of reach rather than the statement's fault: a connection
     * that could not be had or was lost (SQLState class 08, the pool's timeout), anywhere among the causes.
     * Not a transaction rolled back for a conflict ({@link #conflicted}): the database answered.
     */
    public static boolean unreachable(Throwable failure) {
        if (conflicted(failure)) {
            return false;
        }
        for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SQLTransientException || c instanceof SQLNonTransientConnectionException
                    || c instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the database rolled the transaction back for a conflict with another one — a deadlock, a
     * serialization failure (SQLState class 40), H2's concurrent update of a row, a lock not granted in
     * time (H2's HYT00, PostgreSQL's 55P03) — which the same work tried again a moment later gets past:
     * two instances' writers meet on shared rows (a day's sales). H2 reports its lock timeout as a
     * {@code SQLTimeoutException}, which would otherwise count as the database out of reach.
     */
    public static boolean conflicted(Throwable failure) {
        for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SQLTransactionRollbackException || c instanceof SQLException s && conflictState(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static boolean conflictState(String sqlState) {
        return sqlState != null && (sqlState.startsWith("40") || sqlState.equals("HYT00") || sqlState.equals("55P03"));
    }

    /** Opens the pool and brings the schema to the latest migration. */
    public static Database open(DatabaseSettings settings) {
        var config = new HikariConfig();
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setMaximumPoolSize(settings.maxPoolSize());
        config.setPoolName("heomdm");
        // a database that does not answer fails a call within 5 s, not Hikari's 30: the task workers' circuit
        // breaker opens after a few such failures, and the sooner they come the fewer handlers wait on them
        config.setConnectionTimeout(5_000);
        config.setValidationTimeout(2_000);
        config.setAutoCommit(true);
        var ds = new HikariDataSource(config);
        try {
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return new Database(ds);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    public <R> R inTransaction(SqlWork<R> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                R result = work.run(c);
                c.commit();
                return result;
            } catch (Exception e) {
                try {
                    c.rollback();
                } catch (SQLException rollbackFailed) {
                    // the failure says why, not the rollback's: after a lost connection (08006) the pool has closed it, and its
                    // "Connection is closed" (no SQLState) would hide that the database is out of reach from unreachable()
                    e.addSuppressed(rollbackFailed);
                }
                throw e instanceof RuntimeException r ? r : new SqlWork.Failed(e);
            }
        } catch (SQLException e) {
            throw new SqlWork.Failed(e);
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
